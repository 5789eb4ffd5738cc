package dev.sparklm.preprocess.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected components of an undirected graph given as edges (a, b) of longs, by min-label
 * propagation: every node starts labelled with itself and takes the smallest label among its
 * neighbours until nothing changes. Each round is a join and an aggregation (no collect), and
 * rounds are bounded by the graph's diameter; duplicate clusters joined through band-bucket
 * minima are shallow, so a handful of rounds suffice.
 */
public final class ConnectedComponents {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectedComponents.class);

    /** The labels and how many rounds it took. */
    public record Result(Dataset<Row> labels, int rounds) {}

    private ConnectedComponents() {}

    /** @return (node, label) for every node of an edge: label is the smallest node of its component */
    public static Result of(Dataset<Row> edges, int maxRounds) {
        Dataset<Row> both = edges.select(col("a").as("src"), col("b").as("dst"))
                .union(edges.select(col("b").as("src"), col("a").as("dst")))
                .distinct()
                .localCheckpoint();
        Dataset<Row> labels = both.groupBy(col("src").as("node"))
                .agg(least(min("dst"), col("src")).as("label"))
                .localCheckpoint();
        for (int round = 1; round <= maxRounds; round++) {
            Dataset<Row> offers = both.join(labels, both.col("src").equalTo(labels.col("node")))
                    .select(col("dst").as("node"), col("label"));
            Dataset<Row> next = offers.union(labels).groupBy("node").agg(min("label").as("label")).localCheckpoint();
            long changed = next.as("n").join(labels.as("l"), col("n.node").equalTo(col("l.node")))
                    .filter(col("n.label").lt(col("l.label"))).count();
            labels = next;
            if (changed == 0) {
                return new Result(labels, round);
            }
            LOG.info("connected components: round {}, {} labels changed", round, changed);
        }
        throw new IllegalStateException("connected components did not converge in " + maxRounds
                + " rounds (preprocess.dedup.near.max-rounds): raise it, or raise the threshold");
    }
}
