package dev.gradflow.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tenants file: what it holds, and every mistake named by its place, never by a value. */
class TenantsFileTest {
    private static final TenantLimits DEFAULTS = new TenantLimits(100, 200, 1 << 28);
    private static final String KEY_A1 = "first-key-of-team-a-0123456789abcdef0123456789";
    private static final String KEY_A2 = "second-key-of-team-a-0123456789abcdef012345678";
    private static final String KEY_OPS = "the-key-of-ops-0123456789abcdef0123456789abcde";

    private static Tenants parse(String json) {
        return TenantsFile.parse(json.getBytes(StandardCharsets.UTF_8), DEFAULTS);
    }

    private static String file(String tenants) {
        return "{\"version\": 1, \"tenants\": {" + tenants + "}}";
    }

    @Test
    void readsTenantsTheirKeysTheirLimitsAndWhoOwnsTheUnownedRecords() {
        Tenants tenants = parse("""
                {"version": 1, "unownedRecords": "ops",
                 "tenants": {
                   "team-a": {"keys": ["%s", "%s"], "requestsPerSecond": 2.5, "maxBytesInFlight": 1000},
                   "ops": {"keys": ["%s"]},
                   "locked": {"keys": []}}}""".formatted(KeyHashes.hash(KEY_A1),
                KeyHashes.hash(KEY_A2).toUpperCase().replace("SHA256:", "sha256:"), KeyHashes.hash(KEY_OPS)));

        assertThat(tenants.all()).extracting(Tenant::name).containsExactly("team-a", "ops", "locked");
        assertThat(tenants.authenticate(KEY_A1)).map(Tenant::name).contains("team-a");
        assertThat(tenants.authenticate(KEY_A2)).as("either key of a rotation, in either case of hex")
                .map(Tenant::name).contains("team-a");
        assertThat(tenants.authenticate(KEY_OPS)).map(Tenant::name).contains("ops");
        assertThat(tenants.authenticate(KEY_A1 + "x")).isEmpty();
        assertThat(tenants.authenticate("")).isEmpty();
        assertThat(tenants.keyCount()).isEqualTo(3);
        assertThat(tenants.named("team-a").orElseThrow().limits()).isEqualTo(new TenantLimits(2.5, 200, 1000));
        assertThat(tenants.named("ops").orElseThrow().limits()).isEqualTo(DEFAULTS);
        assertThat(tenants.named("ops").orElseThrow().ownsUnowned()).isTrue();
        assertThat(tenants.named("team-a").orElseThrow().ownsUnowned()).isFalse();
    }

    @Test
    void withoutUnownedRecordsNobodyOwnsThem() {
        Tenants tenants = parse(file("\"a\": {\"keys\": [\"" + KeyHashes.hash(KEY_A1) + "\"]}"));

        assertThat(tenants.all()).noneMatch(Tenant::ownsUnowned);
        assertThat(Caller.of(tenants.named("a").orElseThrow()).owns(null)).isFalse();
        assertThat(Caller.of(tenants.named("a").orElseThrow()).owns("a")).isTrue();
        assertThat(Caller.of(tenants.named("a").orElseThrow()).owns("b")).isFalse();
        assertThat(Caller.ANYONE.owns("b")).as("tenancy off: everything is everyone's").isTrue();
        assertThat(Caller.ANYONE.owns(null)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not an object | [] | $: expected an object {"version": 1, "tenants": {...}}
            no version | {"tenants": {}} | version: must be 1, the only version this gateway reads
            version 2 | {"version": 2, "tenants": {}} | version: must be 1, the only version this gateway reads
            no tenants | {"version": 1} | tenants: is required: an object of tenant name: {"keys": [...]}
            unknown top field | {"version": 1, "tenants": {}, "admins": []} | admins: unknown field, expected one of [tenants, unownedRecords, version]
            unknown tenant field | {"version": 1, "tenants": {"a": {"keys": [], "rate": 1}}} | tenants.a.rate: unknown field, expected one of [burst, keys, maxBytesInFlight, requestsPerSecond]
            bad tenant name | {"version": 1, "tenants": {"team a": {"keys": []}}} | tenants: a tenant name must match [A-Za-z0-9][A-Za-z0-9._-]{0,62} (it becomes a record header and a metric tag)
            keys missing | {"version": 1, "tenants": {"a": {}}} | tenants.a.keys: is required: an array of "sha256:<hex>" (it may be empty, which locks the tenant out)
            short hash | {"version": 1, "tenants": {"a": {"keys": ["sha256:abcd"]}}} | `tenants.a.keys[0]: expected "sha256:" and 64 hex digits, the SHA-256 of the key (printf %s "$key" | sha256sum), never the key itself`
            another scheme | {"version": 1, "tenants": {"a": {"keys": ["md5:0123456789abcdef0123456789abcdef"]}}} | `tenants.a.keys[0]: expected "sha256:" and 64 hex digits, the SHA-256 of the key (printf %s "$key" | sha256sum), never the key itself`
            negative rate | {"version": 1, "tenants": {"a": {"keys": [], "requestsPerSecond": -1}}} | tenants.a.requestsPerSecond: must be a positive number
            fractional burst | {"version": 1, "tenants": {"a": {"keys": [], "burst": 1.5}}} | tenants.a.burst: must be a positive integer
            bytes as a string | {"version": 1, "tenants": {"a": {"keys": [], "maxBytesInFlight": "1M"}}} | tenants.a.maxBytesInFlight: must be a positive integer
            unowned names nobody | {"version": 1, "unownedRecords": "ops", "tenants": {"a": {"keys": []}}} | unownedRecords: must name a tenant of "tenants"
            a tenant named twice | {"version": 1, "tenants": {"a": {"keys": []}, "a": {"keys": []}}} | $: malformed JSON at line 1, column 50
            empty | `` | $: the file is empty
            """)
    void aMistakeIsNamedByItsPlace(String title, String json, String message) {
        assertThatThrownBy(() -> parse(json == null ? "" : json)).isInstanceOf(TenantsFile.TenantsFileException.class)
                .hasMessage(message);
    }

    @Test
    void aKeyPastedWhereItsHashBelongsIsRefusedWithoutRepeatingIt() {
        String pasted = "gf_3q2-7rBv0mD1N9pXkYfQeZ4sL8wTcJhUaGiEoRlKnMd";

        for (String json : new String[] {
            file("\"a\": {\"keys\": [\"" + pasted + "\"]}"),
            file("\"a\": {\"keys\": [\"sha256:" + pasted + "\"]}"),
            file("\"a\": {\"" + pasted + "\": []}"),
            "{\"version\": 1, \"tenants\": {\"a\": {\"keys\": [" + pasted + "]}}}",
            "{\"version\": 1, \"tenants\": {\"a\": {\"keys\": [\"" + pasted + "\"]}",
        }) {
            assertThatThrownBy(() -> parse(json)).isInstanceOf(TenantsFile.TenantsFileException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pasted).doesNotContain(pasted
                            .substring(0, 8)));
        }
    }

    @Test
    void aKeyMayNameOneTenantOnly() {
        String hash = KeyHashes.hash(KEY_A1);

        assertThatThrownBy(() -> parse(file("\"a\": {\"keys\": [\"" + hash + "\"]}, \"b\": {\"keys\": [\""
                + hash.toUpperCase().replace("SHA256:", "sha256:") + "\"]}")))
                .hasMessage("tenants: a key of tenant b is also a key of tenant a; a key must name one tenant");
        assertThatThrownBy(() -> parse(file("\"a\": {\"keys\": [\"" + hash + "\", \"" + hash + "\"]}")))
                .hasMessage("tenants: a key of tenant a is also a key of the same tenant; a key must name one tenant");
    }

    @Test
    void aStoredHashIsWhatSha256sumPrints() {
        // printf %s abc | sha256sum
        assertThat(KeyHashes.hash("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(KeyHashes.parse("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
                .isEqualTo(KeyHashes.digest("abc"));
    }
}
