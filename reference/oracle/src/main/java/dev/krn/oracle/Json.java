package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * What ThingsBoard makes of a message body: JacksonUtil's mapper (a plain JsonMapper) reading it
 * with readTree and writing it back, and TbJsonPathNode's JsonPath.read on Jackson nodes.
 */
final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** `jackson`: for each {text}, {json: the tree written compactly} or {error: class: message}. */
  static List<ObjectNode> rewrite(List<JsonNode> input) {
    List<ObjectNode> answers = new ArrayList<>(input.size());
    for (JsonNode line : input) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      try {
        JsonNode tree = MAPPER.readTree(line.get("text").asText());
        if (tree == null || tree.isMissingNode()) answer.putNull("json");
        else answer.put("json", MAPPER.writeValueAsString(tree));
      } catch (Exception e) {
        answer.put("error", e.getClass().getSimpleName());
      }
      answers.add(answer);
    }
    return answers;
  }

  /** `jsonpath`: for each {text, path}, {result: JacksonUtil.toString(read)} or {error: class: message}. */
  static List<ObjectNode> jsonPath(List<JsonNode> input) {
    Configuration configuration = Configuration.builder().jsonProvider(new JacksonJsonNodeJsonProvider()).build();
    List<ObjectNode> answers = new ArrayList<>(input.size());
    for (JsonNode line : input) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      try {
        Object result = JsonPath.compile(line.get("path").asText()).read(line.get("text").asText(), configuration);
        answer.put("result", MAPPER.writeValueAsString(result));
      } catch (Exception e) {
        answer.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      answers.add(answer);
    }
    return answers;
  }
}
