package org.mbmrl.driver.ingest;

import java.util.Map;

/**
 * One episode as a reader found it in the source, before any check: its frames'
 * observations (F of them), and per transition i the action, reward and flags (at least
 * F - 1 entries; a frame table has F, the last frame's unused). Transition i goes from
 * observation i to observation i + 1, so an episode of F frames gives F - 1 transitions.
 * Arrays are per frame ({@code float[frame][element]}) so the validator can name a frame
 * whose width differs.
 *
 * @param file the source file the episode came from (for messages)
 * @param episode the episode's label in the source (e.g. {@code 3}, {@code episode_3})
 * @param task the task key (the task column's value, or the episode itself)
 * @param frames the source's frame (step) numbers of the observations, ascending
 * @param frameWord what the source calls a frame ({@code frame}, {@code step}), for messages
 * @param params task parameter values by mapped name (constant within the episode)
 * @param split the split column's value, or null when the rule is not a column
 */
public record SourceEpisode(String file, String episode, String task, int[] frames, String frameWord,
        float[][] observations, float[][] actions, float[] rewards, boolean[] terminated, boolean[] truncated,
        Map<String, Double> params, String split) {

    /** Transitions this episode yields: one per frame that has a successor. */
    public int transitions() {
        return Math.max(0, observations.length - 1);
    }

    /** {@code FILE: episode E}, the start of every message about this episode. */
    public String where() {
        return file + ": " + (episode.startsWith("episode_") ? episode : "episode " + episode);
    }

    /** {@code FILE: episode E frame F}. */
    public String where(int index) {
        return where() + " " + frameWord + " " + frames[index];
    }
}
