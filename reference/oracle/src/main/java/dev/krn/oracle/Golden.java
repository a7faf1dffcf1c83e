package dev.krn.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * `golden`: the bytes Apache Kafka's Java producer writes, for the tests that pin the node's
 * encoders to them. Each input line is one Produce request:
 *
 * <pre>
 * {version, acks, timeoutMs, batches: [{topic, partition, compression (none, gzip, snappy,
 *   lz4, zstd), charset, producerId, producerEpoch, baseSequence, records: [{timestamp,
 *   key: text|null, value: text, headers: [[metadataKey, text], ...]}]}]}
 * </pre>
 *
 * Records are made as ThingsBoard's TbKafkaNode makes them: key and value through the
 * StringSerializer (UTF-8), each metadata entry as header tb_msg_md_{key} with the value's bytes in
 * the batch's charset (String.getBytes). The answer is {batches: [hex, ...], request: hex}: each
 * RecordBatch as kafka-clients 4.1.1 builds it on the producer's path (RecordAccumulator opens a
 * MemoryRecordsBuilder with CreateTime and base offset 0; the Sender stamps the producer id,
 * epoch and base sequence with setProducerState before it closes the batch), and the Produce
 * request body (without the request header) as ProduceRequestData serializes it at `version`.
 */
final class Golden {
  private static final String HEADER_PREFIX = "tb_msg_md_";
  private static final StringSerializer STRINGS = new StringSerializer();

  private Golden() {}

  static List<ObjectNode> run(List<JsonNode> input) {
    List<ObjectNode> answers = new ArrayList<>(input.size());
    HexFormat hex = HexFormat.of();
    for (JsonNode line : input) {
      ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
      ObjectNode answer = Oracle.JSON.createObjectNode();
      ArrayNode batches = answer.putArray("batches");
      for (JsonNode batch : line.get("batches")) {
        MemoryRecords records = batch(batch);
        batches.add(hex.formatHex(bytes(records.buffer())));
        String topic = batch.get("topic").asText();
        ProduceRequestData.TopicProduceData data = topics.find(topic, Uuid.ZERO_UUID);
        if (data == null) {
          data = new ProduceRequestData.TopicProduceData().setName(topic);
          topics.add(data);
        }
        data.partitionData()
            .add(
                new ProduceRequestData.PartitionProduceData()
                    .setIndex(batch.get("partition").asInt())
                    .setRecords(records));
      }
      ProduceRequestData request =
          new ProduceRequestData()
              .setTransactionalId(null)
              .setAcks((short) line.get("acks").asInt())
              .setTimeoutMs(line.get("timeoutMs").asInt())
              .setTopicData(topics);
      short version = (short) line.get("version").asInt();
      answer.put("request", hex.formatHex(bytes(MessageUtil.toByteBufferAccessor(request, version).buffer())));
      answers.add(answer);
    }
    return answers;
  }

  private static MemoryRecords batch(JsonNode batch) {
    Compression compression =
        switch (batch.path("compression").asText("none")) {
          case "none" -> Compression.NONE;
          case "gzip" -> Compression.gzip().build();
          case "snappy" -> Compression.snappy().build();
          case "lz4" -> Compression.lz4().build();
          case "zstd" -> Compression.zstd().build();
          default -> throw new IllegalArgumentException("unknown compression " + batch.get("compression"));
        };
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(
            ByteBuffer.allocate(1 << 16), RecordBatch.CURRENT_MAGIC_VALUE, compression, TimestampType.CREATE_TIME, 0L);
    Charset charset = Charset.forName(batch.path("charset").asText("UTF-8"));
    for (JsonNode record : batch.get("records")) {
      List<Header> headers = new ArrayList<>();
      for (JsonNode header : record.path("headers"))
        headers.add(new RecordHeader(HEADER_PREFIX + header.get(0).asText(), header.get(1).asText().getBytes(charset)));
      JsonNode key = record.get("key");
      builder.append(
          record.get("timestamp").asLong(),
          key == null || key.isNull() ? null : STRINGS.serialize("", key.asText()),
          STRINGS.serialize("", record.get("value").asText()),
          headers.toArray(new Header[0]));
    }
    builder.setProducerState(
        batch.path("producerId").asLong(RecordBatch.NO_PRODUCER_ID),
        (short) batch.path("producerEpoch").asInt(RecordBatch.NO_PRODUCER_EPOCH),
        batch.path("baseSequence").asInt(RecordBatch.NO_SEQUENCE),
        false);
    return builder.build();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
