# Times a PyTorch eager HiFi-GAN NSF decoder with the RVC v2 48 kHz shapes, the stage that is
# nine tenths of the reference worker's time, to compare with `rvc bench` side by side
# (docs/performance.md). Written for this benchmark: random weights, weight norm already folded
# (which favours PyTorch), no Python at run time in rvc-nano itself.
#
#   python3 -m venv /tmp/pt && /tmp/pt/bin/pip install torch==2.11.0
#   /tmp/pt/bin/python Benchmarks/pytorch_decoder.py 2200 2    # frames (22 s), threads
import sys, time, torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
rates, kernels, ch0 = [12, 10, 2, 2], [24, 20, 4, 4], 512

class Res(nn.Module):
    def __init__(s, c, k):
        super().__init__()
        s.c1 = nn.ModuleList([nn.Conv1d(c, c, k, 1, dilation=d, padding=(k * d - d) // 2) for d in (1, 3, 5)])
        s.c2 = nn.ModuleList([nn.Conv1d(c, c, k, 1, padding=(k - 1) // 2) for _ in range(3)])
    def forward(s, x):
        for a, b in zip(s.c1, s.c2):
            t = b(F.leaky_relu(a(F.leaky_relu(x, 0.1)), 0.1))
            x = t + x
        return x

class Dec(nn.Module):
    def __init__(s):
        super().__init__()
        s.pre = nn.Conv1d(192, ch0, 7, 1, padding=3)
        s.cond = nn.Conv1d(256, ch0, 1)
        s.ups, s.noise, s.res = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i, (u, k) in enumerate(zip(rates, kernels)):
            c = ch0 // 2 ** (i + 1)
            s.ups.append(nn.ConvTranspose1d(ch0 // 2 ** i, c, k, u, padding=(k - u) // 2))
            if i + 1 < len(rates):
                sf = 1
                for r in rates[i + 1:]: sf *= r
                s.noise.append(nn.Conv1d(1, c, sf * 2, stride=sf, padding=sf // 2))
            else:
                s.noise.append(nn.Conv1d(1, c, 1))
            for k2 in (3, 7, 11): s.res.append(Res(c, k2))
        s.post = nn.Conv1d(c, 1, 7, 1, padding=3, bias=False)
    def forward(s, x, g, har):
        x = s.pre(x) + s.cond(g)
        for i in range(len(rates)):
            x = s.ups[i](F.leaky_relu(x, 0.1))
            x = x + s.noise[i](har)
            xs = sum(s.res[i * 3 + j](x) for j in range(3))
            x = xs / 3
        return torch.tanh(s.post(F.leaky_relu(x)))

frames = int(sys.argv[1])
with torch.inference_mode():
    d = Dec().eval()
    def run(t):
        z, g = torch.randn(1, 192, t), torch.randn(1, 256, 1)
        har = torch.randn(1, 1, t * 480) * 0.1
        start = time.perf_counter(); y = d(z, g, har); return time.perf_counter() - start, y.shape
    print("warm-up", run(100))
    times = [run(frames)[0] for _ in range(2)]
    print(f"frames {frames}: {[round(t, 2) for t in times]} s")
