package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Apache Kafka's Java client does, asked over JSON lines: one subcommand per question, its
 * options as --name value pairs, its input on stdin and its answers on stdout, one JSON object a
 * line. Bytes travel as base64 so that nothing is lost; text travels as a JSON string, whose
 * \\u escapes keep even a lone surrogate, as a Java String can hold one.
 */
public final class Oracle {
  static final ObjectMapper JSON = new ObjectMapper();

  private Oracle() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: oracle partition|produce|consume|create-topic|golden|jackson|jsonpath|encode [--name value ...]");
      System.exit(2);
    }
    Map<String, List<String>> options = options(args);
    List<JsonNode> input = args[0].equals("create-topic") || args[0].equals("consume") ? List.of() : readInput();
    try (BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)) {
      List<ObjectNode> answers =
          switch (args[0]) {
            case "partition" -> Partitions.run(input);
            case "produce" -> Produce.run(options, input);
            case "consume" -> Consume.run(options);
            case "create-topic" -> Topics.create(options);
            case "golden" -> Golden.run(input);
            case "jackson" -> Json.rewrite(input);
            case "jsonpath" -> Json.jsonPath(input);
            case "encode" -> Encode.run(input);
            default -> throw new IllegalArgumentException("unknown subcommand " + args[0]);
          };
      for (ObjectNode answer : answers) {
        out.write(JSON.writeValueAsString(answer));
        out.write('\n');
      }
    }
    // The clients' own threads are closed; exit at once rather than wait for JVM shutdown hooks.
    System.exit(0);
  }

  /** The --name value pairs after the subcommand; a name may repeat (--topic a --topic b). */
  private static Map<String, List<String>> options(String[] args) {
    Map<String, List<String>> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length)
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
    }
    return options;
  }

  /** The one value of a required option. */
  static String option(Map<String, List<String>> options, String name) {
    List<String> values = options.get(name);
    if (values == null || values.size() != 1)
      throw new IllegalArgumentException("--" + name + " is required once");
    return values.get(0);
  }

  /** The value of an optional option, or `fallback`. */
  static String option(Map<String, List<String>> options, String name, String fallback) {
    return options.containsKey(name) ? option(options, name) : fallback;
  }

  private static List<JsonNode> readInput() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) lines.add(JSON.readTree(line));
    }
    return lines;
  }

  /** Base64 of `bytes`, or null for a null array (a record without key or value). */
  static String base64(byte[] bytes) {
    return bytes == null ? null : java.util.Base64.getEncoder().encodeToString(bytes);
  }

  /** The bytes of a base64 field, or null when the field is absent or JSON null. */
  static byte[] bytes(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : java.util.Base64.getDecoder().decode(value.asText());
  }
}
