package dev.sparklm.model;

import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A transformer layer over [batch, time = context, channels] activations that keeps that shape.
 * Its settings are plain fields with getters and setters: DL4J's JSON (Spark broadcasts,
 * checkpoints) serializes them.
 */
public abstract class SequenceLayer extends CorrectedSameDiffLayer {
    protected int channels;
    protected int context;

    protected SequenceLayer() {}

    protected SequenceLayer(int channels, int context) {
        this.channels = channels;
        this.context = context;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    public int getChannels() {
        return channels;
    }

    public void setChannels(int channels) {
        this.channels = channels;
    }

    public int getContext() {
        return context;
    }

    public void setContext(int context) {
        this.context = context;
    }
}
