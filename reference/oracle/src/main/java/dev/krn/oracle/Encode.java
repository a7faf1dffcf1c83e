package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * `encode`: for each input line {text, charset}, what ThingsBoard's TbKafkaNode writes as a header
 * value, {@code text.getBytes(Charset.forName(charset))}, as hex; for {charset, bmp: true}, that of
 * every BMP character but the surrogates, in order; for a line {charset} alone, the charset's
 * canonical name and aliases. A name Java does not know answers {error} with the
 * exception Charset.forName throws.
 */
final class Encode {
  private Encode() {}

  static List<ObjectNode> run(List<JsonNode> input) {
    List<ObjectNode> answers = new ArrayList<>(input.size());
    for (JsonNode line : input) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      String name = line.get("charset").asText();
      try {
        Charset charset = Charset.forName(name);
        if (line.has("text")) {
          answer.put("hex", hex(line.get("text").asText().getBytes(charset)));
        } else if (line.path("bmp").asBoolean()) {
          // Every character of the Basic Multilingual Plane but the surrogates, one by one.
          ArrayNode hexes = answer.putArray("bmp");
          for (int c = 0; c < 0x10000; c++) {
            if (c >= 0xd800 && c <= 0xdfff) continue;
            hexes.add(hex(String.valueOf((char) c).getBytes(charset)));
          }
        } else {
          answer.put("name", charset.name());
          ArrayNode aliases = answer.putArray("aliases");
          for (String alias : new TreeSet<>(charset.aliases())) aliases.add(alias);
        }
      } catch (IllegalArgumentException e) {
        answer.put("error", e.toString());
      }
      answers.add(answer);
    }
    return answers;
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) out.append(String.format("%02x", b & 0xff));
    return out.toString();
  }
}
