"""PyTorch peer of `mbmrl bench --outer`: the demo's maml training as a single-process loop.

The same computation per outer iteration as mbmrl's TaskStep on the demo's config: meta-batch
10 of the 40 train tasks, 4 segments per task of M = K = 16 consecutive transitions within an
episode, a Gaussian MLP 4 -> 64 -> 64 -> 6 (tanh; mean and log-variance of the normalized
state change, the log-variance squashed into (-2, 2) as lv = 2 tanh(q / 2)), three inner
gradient steps of 0.005 on the NLL of the M past transitions, second order (create_graph), the
outer loss the NLL of the K future ones under the adapted parameters, averaged over segments
and tasks, and Adam (lr 0.003) on theta. Inputs and targets normalized by the train split's
mean and std, as mbmrl's Normalizer does.

All 40 segments of an iteration are computed as one batch (bmm over a segment axis), the
fastest form measured here; pass `sequential` as the third argument for one segment at a
time (slower: one small op sequence per segment).

Usage: python3 torch_demo_maml.py TRANSITIONS.csv [ITERATIONS [sequential]]  (Debian python3-torch; run with
OPENBLAS_NUM_THREADS=1, torch uses one thread). The CSV has the columns
task_id, episode, step, obs0..obs2, act0, next0..next2 of the train tasks, sorted
(docs/experiments/torch-peer.sh writes it from the demo's Parquet with DuckDB).
Prints the mean and median milliseconds per iteration after 20 warm-up iterations."""
import sys, time, math
import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(7)
rng = np.random.default_rng(7)
data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 200
M = K = 16
ds, da = 3, 1
tasks = {}
for tid in np.unique(data[:, 0]):
    rows = data[data[:, 0] == tid]
    x = rows[:, 3:3 + ds + da]
    y = rows[:, 3 + ds + da:3 + 2 * ds + da] - rows[:, 3:3 + ds]
    starts = [i for i in range(len(rows) - M - K + 1)
              if rows[i, 1] == rows[i + M + K - 1, 1]]  # one episode
    tasks[tid] = (x, y, starts)
allx = np.concatenate([t[0] for t in tasks.values()])
ally = np.concatenate([t[1] for t in tasks.values()])
mx, sx = allx.mean(0), allx.std(0) + 1e-8
my, sy = ally.mean(0), ally.std(0) + 1e-8
tasks = {k: (torch.tensor((x - mx) / sx, dtype=torch.float32), torch.tensor((y - my) / sy, dtype=torch.float32), s)
         for k, (x, y, s) in tasks.items()}
ids = sorted(tasks)

sizes = [ds + da, 64, 64, 2 * ds]
theta = []
for a, b in zip(sizes[:-1], sizes[1:]):
    theta += [(torch.randn(b, a) * math.sqrt(2.0 / (a + b))).requires_grad_(), torch.zeros(b, requires_grad=True)]
opt = torch.optim.Adam(theta, lr=0.003)


def nll(p, x, y):
    h = x
    for i in range(0, len(p) - 2, 2):
        h = torch.tanh(torch.addmm(p[i + 1], h, p[i].t()))
    out = torch.addmm(p[-1], h, p[-2].t())
    mu, lv = out[:, :ds], 2.0 * torch.tanh(out[:, ds:] / 2.0)
    return 0.5 * (((y - mu) ** 2) * torch.exp(-lv) + lv + math.log(2 * math.pi)).sum(1).mean()


def nll_batched(p, x, y):
    """Per-segment NLL summed over segments; p[i] has a leading segment axis, x is [S, rows, in]."""
    h = x
    for i in range(0, len(p) - 2, 2):
        h = torch.tanh(torch.baddbmm(p[i + 1].unsqueeze(1), h, p[i].transpose(1, 2)))
    out = torch.baddbmm(p[-1].unsqueeze(1), h, p[-2].transpose(1, 2))
    mu, lv = out[..., :ds], 2.0 * torch.tanh(out[..., ds:] / 2.0)
    return (0.5 * (((y - mu) ** 2) * torch.exp(-lv) + lv + math.log(2 * math.pi)).sum(2).mean(1)).sum()


sequential = len(sys.argv) > 3 and sys.argv[3] == "sequential"
times = []
for it in range(iterations + 20):
    t0 = time.perf_counter()
    batch = rng.choice(ids, size=10, replace=False)
    opt.zero_grad()
    segments = [(tid, s) for tid in batch for s in rng.choice(tasks[tid][2], size=4, replace=False)]
    if sequential:
        total = 0.0
        for tid, s in segments:
            x, y, _ = tasks[tid]
            px, py, fx, fy = x[s:s + M], y[s:s + M], x[s + M:s + M + K], y[s + M:s + M + K]
            phi = theta
            for _ in range(3):
                g = torch.autograd.grad(nll(phi, px, py), phi, create_graph=True)
                phi = [p - 0.005 * gi for p, gi in zip(phi, g)]
            loss = nll(phi, fx, fy) / len(segments)
            loss.backward()
            total += loss.item()
    else:
        # All 40 segments at once: theta broadcast along a segment axis, per-segment inner steps
        # (the gradient of the summed per-segment losses is each segment's own gradient).
        win = torch.stack([tasks[tid][0][s:s + M + K] for tid, s in segments])
        tgt = torch.stack([tasks[tid][1][s:s + M + K] for tid, s in segments])
        px, py, fx, fy = win[:, :M], tgt[:, :M], win[:, M:], tgt[:, M:]
        S = len(segments)
        phi = [p.unsqueeze(0).expand(S, *p.shape) for p in theta]
        for _ in range(3):
            g = torch.autograd.grad(nll_batched(phi, px, py), phi, create_graph=True)
            phi = [p - 0.005 * gi for p, gi in zip(phi, g)]
        loss = nll_batched(phi, fx, fy) / S
        loss.backward()
        total = loss.item()
    opt.step()
    if it >= 20:
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"torch peer, demo maml: {iterations} iterations, mean {sum(times) / len(times):.2f} ms,"
      f" median {times[len(times) // 2]:.2f} ms per iteration; last outer loss {total:.4f}; torch {torch.__version__},"
      f" {torch.get_num_threads()} thread, {'sequential' if sequential else 'batched'} segments")
