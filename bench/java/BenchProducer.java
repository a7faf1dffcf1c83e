// The Java producer (kafka-clients, what ThingsBoard's TbKafkaNode runs) sending the bench's
// workload: the same keyed records with the same per-record headers as the Kafka node, configured
// as TbKafkaNode configures its producer. Run by bench/java.ts, which compiles it against Apache
// Kafka's jars from reference/kafka; prints one JSON line shaped like bench/contender.ts's result.
//
// Usage: BenchProducer <bootstrap> <topic> <file> <warmup> <batch.size> <linger.ms>
// Each line of <file> is `key TAB value TAB name=value TAB ...`: a record and its headers. The
// first <warmup> lines are sent and acknowledged before the clock starts.

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

public final class BenchProducer {
  private static final String HEADER_PREFIX = "tb_msg_md_";

  private final String[] keys;
  private final String[] values;
  private final String[][] headerNames;
  private final String[][] headerValues;
  private final long[] sentAt;
  private final double[] latencies;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger measured = new AtomicInteger();

  private BenchProducer(List<String> lines) {
    int n = lines.size();
    keys = new String[n];
    values = new String[n];
    headerNames = new String[n][];
    headerValues = new String[n][];
    sentAt = new long[n];
    latencies = new double[n];
    for (int i = 0; i < n; i++) {
      String[] fields = lines.get(i).split("\t", -1);
      keys[i] = fields[0];
      values[i] = fields[1];
      int count = fields.length - 2;
      headerNames[i] = new String[count];
      headerValues[i] = new String[count];
      for (int h = 0; h < count; h++) {
        String field = fields[h + 2];
        int eq = field.indexOf('=');
        headerNames[i][h] = HEADER_PREFIX + field.substring(0, eq);
        headerValues[i][h] = field.substring(eq + 1);
      }
    }
  }

  // TbKafkaNode.init builds exactly these properties from its configuration (ThingsBoard's
  // defaults: retries 0, buffer.memory 32 MiB, acks -1). With retries=0 the Java producer turns
  // idempotence off by itself; it is said explicitly here so that both sides are plainly alike.
  private static Properties producerProperties(String bootstrap, String batchSize, String lingerMs) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "-1");
    props.put(ProducerConfig.RETRIES_CONFIG, "0");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "33554432");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    return props;
  }

  // As TbKafkaNode.publish does per message: header values encoded from the metadata strings,
  // then one send with a callback.
  private void send(KafkaProducer<String, String> producer, String topic, int i, boolean timed) {
    String[] names = headerNames[i];
    String[] texts = headerValues[i];
    Header[] headers = new Header[names.length];
    for (int h = 0; h < names.length; h++) {
      headers[h] = new RecordHeader(names[h], texts[h].getBytes(StandardCharsets.UTF_8));
    }
    sentAt[i] = System.nanoTime();
    ProducerRecord<String, String> record =
        new ProducerRecord<>(topic, null, keys[i], values[i], Arrays.asList(headers));
    producer.send(
        record,
        (metadata, error) -> {
          if (error == null && metadata.offset() >= 0) done.incrementAndGet();
          else failed.incrementAndGet();
          if (timed) latencies[measured.getAndIncrement()] = (System.nanoTime() - sentAt[i]) / 1e6;
        });
  }

  private void settle(int expected) throws InterruptedException {
    // flush() returns when every request has completed; the callbacks may still be running.
    while (done.get() + failed.get() < expected) Thread.sleep(1);
  }

  private static double percentile(double[] sorted, int count, int p) {
    if (count == 0) return Double.NaN;
    return sorted[Math.min(count - 1, (int) Math.floor((double) count * p / 100))];
  }

  private static double peakRssMb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    BenchProducer bench = new BenchProducer(Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8));
    int warmup = Integer.parseInt(args[3]);
    int total = bench.keys.length;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long started;
    long cpuBefore;
    long finished;
    long cpuAfter;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProperties(bootstrap, args[4], args[5]))) {
      for (int i = 0; i < warmup; i++) bench.send(producer, topic, i, false);
      producer.flush();
      bench.settle(warmup);
      started = System.nanoTime();
      cpuBefore = os.getProcessCpuTime();
      for (int i = warmup; i < total; i++) bench.send(producer, topic, i, true);
      producer.flush();
      bench.settle(total);
      finished = System.nanoTime();
      cpuAfter = os.getProcessCpuTime();
    }
    int count = bench.measured.get();
    double[] sorted = Arrays.copyOf(bench.latencies, count);
    Arrays.sort(sorted);
    System.out.printf(
        java.util.Locale.ROOT,
        "{\"done\":%d,\"failed\":%d,\"seconds\":%.6f,\"cpuSeconds\":%.6f,\"maxRssMb\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f}%n",
        bench.done.get(),
        bench.failed.get(),
        (finished - started) / 1e9,
        (cpuAfter - cpuBefore) / 1e9,
        peakRssMb(),
        percentile(sorted, count, 50),
        percentile(sorted, count, 99));
  }
}
