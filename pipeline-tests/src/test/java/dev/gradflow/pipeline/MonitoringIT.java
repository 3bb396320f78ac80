package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.BatchRecord;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboards and alerts against live metrics: a real Prometheus (Debian's package) scrapes the four running
 * services with the repository's local configuration ({@code deploy/local/prometheus.yml}) and rules, while a short
 * job runs through the pipeline, including a malformed record (a dead letter) and a batch that does not fit its
 * network (a failure). Then every dashboard panel's query must parse and return data, every alerting rule must load
 * and evaluate without error, and every metric a dashboard or rule names must be one a running service exports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every service a rule or a dashboard panel names, the job-service included (its job metrics). */
    private static final List<String> MODULES = List.of("gateway", "forward-service", "gradient-service",
            "job-service");
    /** The ports of deploy/local/prometheus.yml, which ./run-pipeline.sh uses, by module. */
    private static final Map<String, String> LOCAL_TARGETS = Map.of("gateway", "127.0.0.1:8080", "forward-service",
            "127.0.0.1:8081", "gradient-service", "127.0.0.1:8082", "job-service", "127.0.0.1:8083");

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", "..")).toAbsolutePath()
            .normalize();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private EmbeddedKafkaBroker broker;
    private Process prometheus;
    private String prometheusUrl;

    @BeforeAll
    void startPipelineAndPrometheus() throws Exception {
        String binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "prometheus")).filter(Files::isExecutable).map(Path::toString).findFirst()
                .orElseThrow(() -> new IllegalStateException("prometheus is not installed: this test needs a real"
                        + " Prometheus; install Debian's package (apt-get install -y prometheus; scripts/verify.sh"
                        + " does it when run as root)"));
        broker = EmbeddedKafkaBroker.builder().start();
        for (String module : MODULES) {
            services.put(module, ServiceProcess.start(repository, module, broker.bootstrapServers(),
                    "monitoring-1"));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(TIMEOUT);
        }
        prometheusUrl = startPrometheus(binary);
    }

    /** Prometheus with deploy/local/prometheus.yml, its targets moved to the services' ports, scraping every second. */
    private String startPrometheus(String binary) throws Exception {
        Path work = Files.createDirectories(repository.resolve("pipeline-tests/target/prometheus"));
        Path localConfig = repository.resolve("deploy/local/prometheus.yml");
        String config = Files.readString(localConfig)
                .replaceAll("(?m)^(\\s*)scrape_interval: .*$", "$1scrape_interval: 1s")
                .replaceAll("(?m)^(\\s*)evaluation_interval: .*$", "$1evaluation_interval: 1s")
                .replace("../base/", repository.resolve("deploy/base").toString() + "/");
        for (String module : MODULES) {
            String target = LOCAL_TARGETS.get(module);
            assertThat(config).as("deploy/local/prometheus.yml scrapes %s at %s", module, target).contains(target);
            config = config.replace(target, services.get(module).baseUrl().replace("http://", ""));
        }
        Path configFile = work.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port = freePort();
        Path data = work.resolve("data-" + System.currentTimeMillis());
        prometheus = new ProcessBuilder(binary, "--config.file=" + configFile, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (true) {
            if (!prometheus.isAlive()) {
                fail("Prometheus exited (%d); see %s: %s", prometheus.exitValue(), work.resolve("prometheus.log"),
                        Files.readString(work.resolve("prometheus.log")));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return url;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertThat(Instant.now()).as("Prometheus ready in time").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * A short job, with one record of each kind an operator must see: answered batches of two networks, one batch
     * that does not fit its network (a failed answer) and one record that is not a batch at all (a dead letter).
     */
    private void runJob() throws Exception {
        Gateway gateway = new Gateway(services.get("gateway").baseUrl());
        String neuron = gateway.register(Files.readString(repository.resolve("examples/single-neuron.network.json")));
        String mlp = gateway.register(Files.readString(repository.resolve("examples/mlp.network.json")));
        List<String> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(gateway.submit(neuron, Files.readString(repository.resolve("examples/single-neuron.batch.json"))));
            batches.add(gateway.submit(mlp, Files.readString(repository.resolve("examples/mlp.batch.json"))));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            // Five inputs where the network takes four: the forward-service answers it as failed (invalid-batch).
            BatchRecord misfit = new BatchRecord("misfit-1", mlp, Map.of("x", Tensor.matrix(new double[][] {
                {1, 2, 3, 4, 5}}), "y", Tensor.vector(0)));
            producer.send(new ProducerRecord<>("batches", misfit.batchId(), misfit.encode())).get();
            producer.send(new ProducerRecord<>("batches", "garbage-1",
                    "not a batch record".getBytes(StandardCharsets.UTF_8))).get();
        }
        for (String batch : batches) {
            assertThat(gateway.awaitResult(batch, TIMEOUT).get("status").asText()).isEqualTo("done");
        }
    }

    @Test
    void everyPanelAndRuleWorksAgainstLiveMetricsAndNamesOnlyExportedMetrics() throws Exception {
        runJob();
        // The failure and the dead letter counted, and every answer scraped, twice (rates need two samples).
        awaitValue("sum(gradflow_failures_total{channel=\"batches\", reason=\"invalid-batch\"})", v -> v >= 1);
        awaitValue("sum(gradflow_dead_letters_total{channel=\"batches\", reason=\"malformed\"})", v -> v >= 1);
        awaitValue("sum(gradflow_records_processed_total{channel=\"tapes\"})", v -> v >= 81);
        // The rules see what happened: the malformed record fires the dead-letter alert, which has no waiting time.
        awaitValue("count(ALERTS{alertname=\"GradflowDeadLetters\", alertstate=\"firing\", channel=\"batches\","
                + " reason=\"malformed\"})", v -> v >= 1);
        // A partition's lag exists once the Kafka client metrics binder has looked for it (every 10 s).
        awaitValue("count(count by (topic) (kafka_consumer_fetch_manager_records_lag{topic=~\"batches|tapes\"}))",
                v -> v >= 2);
        Thread.sleep(3_000);

        Set<String> exported = exportedMetricNames();
        Map<String, String> panelQueries = dashboardQueries();
        assertThat(panelQueries).as("dashboard queries").isNotEmpty();
        List<String> problems = new ArrayList<>();
        List<String> report = new ArrayList<>();
        panelQueries.forEach((panel, query) -> {
            JsonNode answer = query(query);
            if (!"success".equals(answer.path("status").asText())) {
                problems.add(panel + ": does not parse: " + answer.path("error").asText() + " in " + query);
            } else if (answer.at("/data/result").isEmpty()) {
                problems.add(panel + ": returns no data: " + query);
            }
            report.add(String.format("panel  %-8s %3d series  %s", answer.path("status").asText(),
                    answer.at("/data/result").size(), panel));
        });

        JsonNode groups = get("/api/v1/rules").at("/data/groups");
        List<JsonNode> rules = new ArrayList<>();
        groups.forEach(group -> group.path("rules").forEach(rules::add));
        assertThat(rules).as("rules loaded from deploy/base/monitoring/rules/gradflow.rules.yaml")
                .anySatisfy(rule -> assertThat(rule.path("type").asText()).isEqualTo("alerting"));
        Map<String, String> ruleQueries = new LinkedHashMap<>();
        for (JsonNode rule : rules) {
            String name = "rule " + rule.path("name").asText();
            ruleQueries.put(name, rule.path("query").asText());
            if (!"ok".equals(rule.path("health").asText())) {
                problems.add(name + ": health " + rule.path("health").asText() + ": " + rule.path("lastError"));
            }
            JsonNode answer = query(rule.path("query").asText());
            if (!"success".equals(answer.path("status").asText())) {
                problems.add(name + ": does not evaluate: " + answer.path("error").asText());
            }
            report.add(String.format("rule   %-8s health %-7s state %-8s %s", answer.path("status").asText(),
                    rule.path("health").asText(), rule.path("state").asText(), rule.path("name").asText()));
        }

        Map<String, String> everyQuery = new LinkedHashMap<>(panelQueries);
        everyQuery.putAll(ruleQueries);
        everyQuery.forEach((where, query) -> {
            for (String metric : metricNames(query)) {
                if (!exported.contains(metric)) {
                    problems.add(where + ": names " + metric + ", which no running service exports");
                } else if (query("count(" + metric + ")").at("/data/result").isEmpty()) {
                    problems.add(where + ": " + metric + " has no series in Prometheus");
                }
            }
        });
        report.add(everyQuery.values().stream().map(MonitoringIT::metricNames).mapToInt(Set::size).sum()
                + " metric references checked against " + exported.size() + " exported names");
        // The live check's own account, in the build log: what was queried and what came back.
        System.out.println("MonitoringIT against Prometheus " + get("/api/v1/status/buildinfo").at("/data/version")
                .asText() + ":\n  " + String.join("\n  ", report));
        assertThat(problems).as("problems with the dashboards and rules").isEmpty();
    }

    /** Every panel query of every dashboard in deploy/base/monitoring/dashboards, by "dashboard / panel title". */
    private Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(repository.resolve("deploy/base/monitoring/dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                collectPanelQueries(dashboard.path("panels"), file.getFileName().toString(), queries);
            }
        }
        return queries;
    }

    private static void collectPanelQueries(JsonNode panels, String dashboard, Map<String, String> into) {
        for (JsonNode panel : panels) {
            collectPanelQueries(panel.path("panels"), dashboard, into); // collapsed rows hold their panels
            int target = 0;
            for (JsonNode expression : panel.path("targets").findValues("expr")) {
                into.put(dashboard + " / " + panel.path("title").asText() + " #" + target++,
                        grafanaVariablesReplaced(expression.asText()));
            }
        }
    }

    /** Grafana's interval variables as the values it would give for a short range; other variables match all. */
    static String grafanaVariablesReplaced(String expression) {
        return expression.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
                .replace("$__interval", "15s").replace("${__interval}", "15s").replace("$__range", "5m")
                .replace("${__range}", "5m").replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", ".*");
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan", "sum", "min", "max", "avg", "count",
            "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group");

    /**
     * The metric names a PromQL expression selects: identifiers outside label matchers, strings, ranges and
     * grouping clauses that are not followed by '(' (functions) and are not PromQL keywords.
     */
    static Set<String> metricNames(String expression) {
        String stripped = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(stripped);
        while (matcher.find()) {
            String word = matcher.group();
            int after = matcher.end();
            while (after < stripped.length() && Character.isWhitespace(stripped.charAt(after))) {
                after++;
            }
            boolean function = after < stripped.length() && stripped.charAt(after) == '(';
            boolean number = matcher.start() > 0 && Character.isDigit(stripped.charAt(matcher.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** Every metric name in the services' /q/metrics, plus the series Prometheus itself adds to every scrape. */
    private Set<String> exportedMetricNames() throws Exception {
        Set<String> names = new TreeSet<>(Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
                "ALERTS", "ALERTS_FOR_STATE"));
        for (ServiceProcess service : services.values()) {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            text.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("[{ ]", 2)[0]).forEach(names::add);
        }
        return names;
    }

    private void awaitValue(String query, Predicate<Double> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (true) {
            JsonNode result = query(query).at("/data/result");
            if (!result.isEmpty() && condition.test(result.get(0).at("/value/1").asDouble())) {
                return;
            }
            assertThat(Instant.now()).as("%s in Prometheus in time (last: %s)", query, result).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The metric-name extraction this test relies on, checked on expressions whose answer is known. */
    @Test
    void metricNamesAreFoundInExpressions() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(gradflow_end_to_end_latency_seconds_bucket"
                + "{channel=\"tapes\"}[5m])))")).containsExactly("gradflow_end_to_end_latency_seconds_bucket");
        assertThat(metricNames("sum(rate(a_total{x=~\"b|c\"}[1m])) / on(job) group_left sum(b_total) > 0.5 and up"
                + " == 0")).containsExactly("a_total", "b_total", "up");
        assertThat(metricNames("changes(process_start_time_seconds[15m]) > 2"))
                .containsExactly("process_start_time_seconds");
        assertThat(grafanaVariablesReplaced("rate(x[$__rate_interval]){job=~\"$job\"}"))
                .isEqualTo("rate(x[1m]){job=~\".*\"}");
    }
}
