package dev.krn.oracle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** `create-topic --bootstrap B --topic T [--topic U ...] --partitions N`: creates the topics with the Admin client. */
final class Topics {
  private Topics() {}

  static List<ObjectNode> create(Map<String, List<String>> options) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Oracle.option(options, "bootstrap"));
    int partitions = Integer.parseInt(Oracle.option(options, "partitions"));
    List<NewTopic> topics = new ArrayList<>();
    for (String name : options.get("topic")) topics.add(new NewTopic(name, partitions, (short) 1));
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(topics).all().get();
    }
    List<ObjectNode> answers = new ArrayList<>();
    for (NewTopic topic : topics) {
      ObjectNode answer = Oracle.JSON.createObjectNode();
      answer.put("topic", topic.name());
      answer.put("partitions", topic.numPartitions());
      answers.add(answer);
    }
    return answers;
  }
}
