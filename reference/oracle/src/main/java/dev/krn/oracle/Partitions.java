package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * `partition`: for each line {key: base64} or {keyText: string}, and {partitions: [n, ...]}, the
 * partition a KafkaProducer without a custom partitioner picks for that key in a topic of n
 * partitions. KafkaProducer.partition() calls BuiltInPartitioner.partitionForKey(serializedKey, n)
 * for a record with a key (kafka-clients 4.1.1), so that is what this calls. keyText goes through
 * the StringSerializer first, as ThingsBoard's node configures its producer; the answer carries
 * the serialized key bytes too.
 */
final class Partitions {
  private Partitions() {}

  static List<ObjectNode> run(List<JsonNode> input) {
    StringSerializer serializer = new StringSerializer();
    List<ObjectNode> answers = new ArrayList<>(input.size());
    for (JsonNode line : input) {
      byte[] key =
          line.has("keyText") ? serializer.serialize("", line.get("keyText").asText()) : Oracle.bytes(line, "key");
      if (key == null) throw new IllegalArgumentException("a line needs key or keyText: " + line);
      ObjectNode answer = Oracle.JSON.createObjectNode();
      answer.put("key", Oracle.base64(key));
      ArrayNode partitions = answer.putArray("partitions");
      for (JsonNode count : line.get("partitions")) partitions.add(BuiltInPartitioner.partitionForKey(key, count.asInt()));
      answers.add(answer);
    }
    return answers;
  }
}
