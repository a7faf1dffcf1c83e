package dev.krn.oracle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * `consume --bootstrap B --topic T [--topic U ...]`: every record of every partition of the
 * topics, from the beginning to the end offset at the start, read by a KafkaConsumer with no group
 * (assign + seekToBeginning), ordered by topic, partition and offset: partition, offset, key,
 * value (base64 or null), headers [[name, base64]] in stored order, timestamp, timestampType.
 */
final class Consume {
  private Consume() {}

  static List<ObjectNode> run(Map<String, List<String>> options) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Oracle.option(options, "bootstrap"));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : options.get("topic")) {
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30)))
          partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("end offsets not reached in 30 s: " + end);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) records.add(record);
        }
      }
    }
    records.sort(
        Comparator.<ConsumerRecord<byte[], byte[]>, String>comparing(ConsumerRecord::topic)
            .thenComparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    List<ObjectNode> answers = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      answer.put("topic", record.topic());
      answer.put("partition", record.partition());
      answer.put("offset", record.offset());
      answer.put("key", Oracle.base64(record.key()));
      answer.put("value", Oracle.base64(record.value()));
      ArrayNode headers = answer.putArray("headers");
      for (Header header : record.headers()) headers.addArray().add(header.key()).add(Oracle.base64(header.value()));
      answer.put("timestamp", record.timestamp());
      answer.put("timestampType", record.timestampType().name);
      answers.add(answer);
    }
    return answers;
  }
}
