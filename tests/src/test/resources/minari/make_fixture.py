#!/usr/bin/python3
"""Writes fixture.hdf5: a tiny Minari-layout dataset (Gymnasium's episode groups) for ImportTest.

4 tasks x 2 episodes x 30 steps, pendulum-like dimensions (observation 3, action 1). Every
number comes from a closed formula of (task, episode, t, j) whose values are multiples of
1/64 (exact in float32 and float64, no libm involved), so the Java test recomputes the
expected values exactly. Episode groups carry the attributes task_id and mass.

Run once with /usr/bin/python3 (h5py); both this script and fixture.hdf5 are committed.
"""
import os

import h5py
import numpy as np

TASKS, EPISODES, STEPS, OBS, ACT = 4, 2, 30, 3, 1


def observation(task, episode, t, j):
    return ((t * (j + 1) + 5 * task + 3 * episode) % 32) / 16.0 - 1.0


def action(task, episode, t):
    return ((7 * t + 3 * task + episode) % 16) / 8.0 - 1.0


def reward(task, episode, t):
    return -((t + task + episode) % 64) / 64.0


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.hdf5")
    with h5py.File(out, "w") as f:
        f.attrs["dataset_id"] = "mbmrl/fixture-v0"
        f.attrs["total_episodes"] = TASKS * EPISODES
        n = 0
        for task in range(TASKS):
            for episode in range(EPISODES):
                g = f.create_group("episode_%d" % n)
                g.attrs["id"] = n
                g.attrs["task_id"] = task
                g.attrs["mass"] = 1.0 + 0.5 * task
                g.attrs["total_steps"] = STEPS
                obs = np.array([[observation(task, episode, t, j) for j in range(OBS)] for t in range(STEPS + 1)],
                               dtype=np.float32)
                act = np.array([[action(task, episode, t)] for t in range(STEPS)], dtype=np.float32)
                rew = np.array([reward(task, episode, t) for t in range(STEPS)], dtype=np.float64)
                term = np.zeros(STEPS, dtype=bool)
                trunc = np.zeros(STEPS, dtype=bool)
                trunc[-1] = True
                g.create_dataset("observations", data=obs)
                g.create_dataset("actions", data=act)
                g.create_dataset("rewards", data=rew)
                g.create_dataset("terminations", data=term)
                g.create_dataset("truncations", data=trunc)
                n += 1


if __name__ == "__main__":
    main()
