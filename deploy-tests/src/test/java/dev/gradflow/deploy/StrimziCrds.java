package dev.gradflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strimzi's CustomResourceDefinitions, generated from its Java API ({@code io.strimzi:api}) with its own CRD generator
 * ({@code io.strimzi:crd-generator}), both at the version the pom pins, with the arguments Strimzi's api/pom.xml
 * uses for its release CRDs. The Maven build copies both jars to target/strimzi-crd-generator; the CRDs are
 * generated once into target/strimzi-crds and reused while they are newer than the jars.
 */
final class StrimziCrds {

    /** The kinds gradflow may deploy, by the file each CRD is written to. */
    private static final Map<String, String> API_CLASSES = new LinkedHashMap<>();

    static {
        API_CLASSES.put("kafka.json", "io.strimzi.api.kafka.model.kafka.Kafka");
        API_CLASSES.put("kafkanodepool.json", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool");
        API_CLASSES.put("kafkatopic.json", "io.strimzi.api.kafka.model.topic.KafkaTopic");
        API_CLASSES.put("kafkauser.json", "io.strimzi.api.kafka.model.user.KafkaUser");
    }

    private static List<JsonNode> generated;
    private static IgnoredBrokerConfig ignoredBrokerConfig;

    /**
     * Broker configuration keys the Strimzi operator manages itself and drops from a Kafka's spec.kafka.config with
     * only a warning in its log: every key starting with one of {@code prefixes}, except the {@code exceptions}
     * (KafkaClusterSpec.FORBIDDEN_PREFIXES and FORBIDDEN_PREFIX_EXCEPTIONS; the operator compares the lower-cased key).
     */
    record IgnoredBrokerConfig(List<String> prefixes, Set<String> exceptions) {

        boolean ignores(String key) {
            String lowerCase = key.toLowerCase(Locale.ENGLISH);
            return prefixes.stream().anyMatch(lowerCase::startsWith) && !exceptions.contains(key);
        }
    }

    private StrimziCrds() {
    }

    /** The CRDs, each a CustomResourceDefinition tree. */
    static synchronized List<JsonNode> crds() {
        if (generated == null) {
            Path output = Repository.buildDirectory().resolve("strimzi-crds");
            if (!upToDate(output)) {
                generate(output);
            }
            List<JsonNode> crds = new ArrayList<>();
            for (String file : API_CLASSES.keySet()) {
                crds.add(Yaml.json(Yaml.read(output.resolve(file))));
            }
            generated = List.copyOf(crds);
        }
        return generated;
    }

    /**
     * The broker keys Strimzi ignores, read from the constants of KafkaClusterSpec in the api jar with javap (a class
     * built for Java 21 cannot be loaded on the Java 17 the tests run on).
     */
    static synchronized IgnoredBrokerConfig ignoredBrokerConfig() {
        if (ignoredBrokerConfig == null) {
            Path javap = ModernJdk.javaLauncher().resolveSibling("javap");
            Processes.Result result = Processes.run(List.of(javap.toString(), "-constants", "-cp",
                    generatorJars().resolve("api.jar").toString(), "io.strimzi.api.kafka.model.kafka.KafkaClusterSpec"),
                    Repository.buildDirectory(), Duration.ofMinutes(1)).requireSuccess();
            ignoredBrokerConfig = new IgnoredBrokerConfig(
                    List.copyOf(stringConstant(result.stdout(), "FORBIDDEN_PREFIXES")),
                    Set.copyOf(stringConstant(result.stdout(), "FORBIDDEN_PREFIX_EXCEPTIONS")));
        }
        return ignoredBrokerConfig;
    }

    /** A comma-separated String constant of javap's output, as a list. */
    private static List<String> stringConstant(String javapOutput, String name) {
        Matcher matcher = Pattern.compile(" " + name + " = \"([^\"]*)\";").matcher(javapOutput);
        if (!matcher.find()) {
            throw new AssertionError("KafkaClusterSpec has no String constant " + name + ":\n" + javapOutput);
        }
        return Arrays.stream(matcher.group(1).split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    /** The command that writes the CRDs into {@code output}. */
    static List<String> generatorCommand(Path output) {
        Path jars = generatorJars();
        List<String> command = new ArrayList<>(List.of(
                ModernJdk.javaLauncher().toString(),
                "-cp", jars.resolve("api.jar") + java.io.File.pathSeparator + jars.resolve("crd-generator.jar"),
                "io.strimzi.crdgenerator.CrdGenerator",
                "--target-kube", "1.16+",
                "--crd-api-version", "v1",
                "--api-versions", "v1",
                "--storage-version", "v1"));
        // Without --yaml the generator writes JSON, which the validator reads as it is.
        API_CLASSES.forEach((file, apiClass) -> command.add(apiClass + "=" + output.resolve(file)));
        return command;
    }

    private static void generate(Path output) {
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Processes.run(generatorCommand(output), output, Duration.ofMinutes(3)).requireSuccess();
        for (String file : API_CLASSES.keySet()) {
            if (!Files.isRegularFile(output.resolve(file))) {
                throw new AssertionError("Strimzi's CRD generator did not write " + output.resolve(file));
            }
        }
    }

    private static boolean upToDate(Path output) {
        try {
            FileTime jars = FileTime.fromMillis(Math.max(
                    Files.getLastModifiedTime(generatorJars().resolve("api.jar")).toMillis(),
                    Files.getLastModifiedTime(generatorJars().resolve("crd-generator.jar")).toMillis()));
            for (String file : API_CLASSES.keySet()) {
                Path crd = output.resolve(file);
                if (!Files.isRegularFile(crd) || Files.getLastModifiedTime(crd).compareTo(jars) < 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path generatorJars() {
        String configured = System.getProperty("gradflow.strimzi.crd-generator.dir");
        Path jars = configured == null ? Repository.buildDirectory().resolve("strimzi-crd-generator") : Path.of(configured);
        if (!Files.isRegularFile(jars.resolve("api.jar")) || !Files.isRegularFile(jars.resolve("crd-generator.jar"))) {
            throw new AssertionError(jars + " lacks api.jar or crd-generator.jar: the Maven build copies them there in "
                    + "generate-test-resources (./mvnw -B verify -pl deploy-tests -am)");
        }
        return jars;
    }
}
