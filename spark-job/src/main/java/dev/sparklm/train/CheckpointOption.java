package dev.sparklm.train;

import dev.sparklm.model.SameDiffNoise;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** The --checkpoint option of the commands that load a model ({@code @Mixin}), and the loading. */
final class CheckpointOption {
    @Option(names = "--checkpoint", paramLabel = "PATH", defaultValue = "out/run",
            description = "checkpoint directory, or a run directory for its newest valid checkpoint; any Hadoop URI "
                    + "(default: ${DEFAULT-VALUE})")
    String path;

    /** The checkpoint, with SameDiff's per-op logging silenced (it would interleave with the output). */
    CheckpointStore.Checkpoint load(Configuration hadoop) {
        SameDiffNoise.silence();
        return CheckpointStore.load(path, hadoop);
    }
}
