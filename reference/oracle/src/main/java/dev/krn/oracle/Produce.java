package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * `produce --bootstrap B [--topic T] [--acks all] [--property name=value ...]`: sends each input
 * line as one record with one real KafkaProducer (defaults as shipped: idempotence on) and answers,
 * in input order, its RecordMetadata {partition, offset, timestamp} or {error}.
 *
 * <p>A line: topic (default --topic); key (base64) or keyText (a string, serialized as ThingsBoard's StringSerializer
 * does) or neither (no key); value or valueText likewise; headers [[name, base64], ...]; or
 * metadata [[key, text], ...] with charset, turned into headers as ThingsBoard's TbKafkaNode does
 * (name "tb_msg_md_" + key, value.getBytes(charset)); partition, optional. No timestamp is given,
 * so the producer stamps each record at send(), as for ThingsBoard's records.
 */
final class Produce {
  private Produce() {}

  static List<ObjectNode> run(Map<String, List<String>> options, List<JsonNode> input) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Oracle.option(options, "bootstrap"));
    props.put(ProducerConfig.ACKS_CONFIG, Oracle.option(options, "acks", "all"));
    for (String property : options.getOrDefault("property", List.of())) {
      int eq = property.indexOf('=');
      props.put(property.substring(0, eq), property.substring(eq + 1));
    }
    String defaultTopic = Oracle.option(options, "topic", null);
    StringSerializer text = new StringSerializer();
    List<Future<RecordMetadata>> sent = new ArrayList<>(input.size());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (JsonNode line : input) {
        String topic = line.has("topic") ? line.get("topic").asText() : defaultTopic;
        byte[] key = line.has("keyText") ? text.serialize(topic, line.get("keyText").asText()) : Oracle.bytes(line, "key");
        byte[] value =
            line.has("valueText") ? text.serialize(topic, line.get("valueText").asText()) : Oracle.bytes(line, "value");
        Integer partition = line.has("partition") ? line.get("partition").asInt() : null;
        sent.add(producer.send(new ProducerRecord<>(topic, partition, null, key, value, headers(line))));
      }
      producer.flush();
    }
    List<ObjectNode> answers = new ArrayList<>(sent.size());
    for (Future<RecordMetadata> future : sent) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      try {
        RecordMetadata metadata = future.get();
        answer.put("partition", metadata.partition());
        answer.put("offset", metadata.offset());
        answer.put("timestamp", metadata.timestamp());
      } catch (java.util.concurrent.ExecutionException e) {
        // ThingsBoard's node writes a failure as Throwable.toString(): "class: message".
        answer.put("error", e.getCause().toString());
      }
      answers.add(answer);
    }
    return answers;
  }

  private static RecordHeaders headers(JsonNode line) {
    RecordHeaders headers = new RecordHeaders();
    for (JsonNode header : line.path("headers")) {
      headers.add(new RecordHeader(header.get(0).asText(), java.util.Base64.getDecoder().decode(header.get(1).asText())));
    }
    if (line.has("metadata")) {
      Charset charset = Charset.forName(line.get("charset").asText());
      for (JsonNode entry : line.get("metadata")) {
        headers.add(new RecordHeader("tb_msg_md_" + entry.get(0).asText(), entry.get(1).asText().getBytes(charset)));
      }
    }
    return headers;
  }
}
