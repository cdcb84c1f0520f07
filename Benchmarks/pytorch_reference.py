# Times the reference worker's work for one conversion in PyTorch eager, stage by stage, to
# compare with `rvc bench` side by side (docs/performance.md, docs/gpu.md). It was written when
# the reference itself could not be installed here (fairseq 0.12.2 does not build offline;
# Scripts/bench-reference now runs the real one from another wheel), so each stage is a PyTorch
# stand-in written for this benchmark from docs/reference-inference.md, with the same shapes and
# operations and random weights: HuBERT base (section B), RMVPE (C.1, C.3), the text encoder (D.2),
# the flow (D.4), the NSF source and the v2 48 kHz decoder (D.5, D.6). Weight norm is folded and
# BatchNorm left as modules, which favours PyTorch slightly. What is left out (audio decoding,
# filtering, the index search, the RMS mix, about 0.3 s in rvc-nano on the CPU) is small.
#
# As the reference does, pitch runs once over the whole padded input and HuBERT and the
# synthesizer per segment: inputs longer than x_max (41 s in fp32, 65 s in half precision) are cut
# into segments of about x_center (38 s / 60 s), each padded by x_pad (1 s / 3 s) on both sides.
# On CUDA every stage is timed between device synchronisations; fp16 and bf16 run every network in
# that dtype (the reference's is_half), with the mel front end and the sine source in float32.
#
#   python3 -m venv /tmp/pt && /tmp/pt/bin/pip install torch==2.11.0
#   /tmp/pt/bin/python Benchmarks/pytorch_reference.py 20 2               # input seconds, threads
#   python3 Benchmarks/pytorch_reference.py 180 --device cuda --dtype fp16 --runs 3 --json
import argparse, json, math, statistics, sys, time, torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser(description="PyTorch stand-in of the reference's conversion, timed by stage.")
parser.add_argument("seconds", nargs="?", type=float, default=20.0, help="input duration in seconds")
parser.add_argument("threads", nargs="?", type=int, default=2, help="CPU threads")
parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
parser.add_argument("--dtype", default="fp32", choices=["fp32", "fp16", "bf16"])
parser.add_argument("--runs", type=int, default=2, help="measured runs after one warm-up")
parser.add_argument("--json", action="store_true", help="print one JSON report instead of text")
options = parser.parse_args()
seconds = options.seconds
torch.set_num_threads(options.threads)
torch.manual_seed(0)
device = torch.device(options.device)
dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[options.dtype]
half = dtype != torch.float32
x_pad, x_center, x_max = (3, 60, 65) if half else (1, 38, 41)


# --- HuBERT base (fairseq layout, post-LN, 12 layers of 768) --------------------------------------
class HubertLayer(nn.Module):
    def __init__(s):
        super().__init__()
        s.q, s.k, s.v, s.o = (nn.Linear(768, 768) for _ in range(4))
        s.ln1, s.ln2 = nn.LayerNorm(768), nn.LayerNorm(768)
        s.fc1, s.fc2 = nn.Linear(768, 3072), nn.Linear(3072, 768)

    def forward(s, x):  # [1, n, 768]
        n = x.shape[1]
        heads = lambda t: t.view(1, n, 12, 64).transpose(1, 2)
        a = F.scaled_dot_product_attention(heads(s.q(x)), heads(s.k(x)), heads(s.v(x)))
        x = s.ln1(x + s.o(a.transpose(1, 2).reshape(1, n, 768)))
        return s.ln2(x + s.fc2(F.gelu(s.fc1(x))))


class Hubert(nn.Module):
    def __init__(s):
        super().__init__()
        spec = [(1, 10, 5)] + [(512, 3, 2)] * 4 + [(512, 2, 2)] * 2
        s.convs = nn.ModuleList(nn.Conv1d(c, 512, k, st, bias=False) for c, k, st in spec)
        s.norm0 = nn.GroupNorm(512, 512)
        s.ln, s.proj = nn.LayerNorm(512), nn.Linear(512, 768)
        s.pos = nn.Conv1d(768, 768, 128, padding=64, groups=16)
        s.ln_enc = nn.LayerNorm(768)
        s.layers = nn.ModuleList(HubertLayer() for _ in range(12))

    def forward(s, audio):  # [1, L]
        x = audio.unsqueeze(1)
        for i, conv in enumerate(s.convs):
            x = conv(x)
            if i == 0: x = s.norm0(x)
            x = F.gelu(x)
        x = s.proj(s.ln(x.transpose(1, 2)))
        x = x + F.gelu(s.pos(x.transpose(1, 2))[:, :, :-1]).transpose(1, 2)
        x = s.ln_enc(x)
        for layer in s.layers: x = layer(x)
        return x


# --- RMVPE (E2E 4 blocks, 1 GRU layer, pooling (2, 2)) --------------------------------------------
class ConvRes(nn.Module):
    def __init__(s, cin, cout):
        super().__init__()
        s.body = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                               nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
        s.short = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(s, x): return s.body(x) + s.short(x)


def res_stack(cin, cout): return nn.Sequential(ConvRes(cin, cout), *(ConvRes(cout, cout) for _ in range(3)))


class RMVPE(nn.Module):
    def __init__(s):
        super().__init__()
        chans = [1, 16, 32, 64, 128, 256]
        s.bn = nn.BatchNorm2d(1)
        s.enc = nn.ModuleList(res_stack(chans[i], chans[i + 1]) for i in range(5))
        s.mid = nn.Sequential(res_stack(256, 512), *(res_stack(512, 512) for _ in range(3)))
        dec = [512, 256, 128, 64, 32, 16]
        s.up = nn.ModuleList(nn.Sequential(nn.ConvTranspose2d(dec[i], dec[i + 1], 3, 2, 1, output_padding=1, bias=False),
                                           nn.BatchNorm2d(dec[i + 1]), nn.ReLU()) for i in range(5))
        s.dec = nn.ModuleList(res_stack(2 * dec[i + 1], dec[i + 1]) for i in range(5))
        s.cnn = nn.Conv2d(16, 3, 3, padding=1)
        s.gru = nn.GRU(384, 256, batch_first=True, bidirectional=True)
        s.fc = nn.Linear(512, 360)
        # Plain attributes, not buffers: the mel front end stays float32 whatever the network's
        # dtype, as in the reference (moved to the device by `place` below).
        s.window = torch.hann_window(1024)
        s.melbank = torch.rand(128, 513) * 0.01

    def forward(s, audio):  # [1, P] float32
        spec = torch.stft(audio, 1024, 160, 1024, s.window, center=True, pad_mode="reflect", return_complex=True)
        mel = torch.log(torch.clamp(s.melbank @ spec.abs(), min=1e-5)).to(dtype)
        frames = mel.shape[-1]
        mel = F.pad(mel, (0, 32 * ((frames - 1) // 32 + 1) - frames))
        x = s.bn(mel.transpose(-1, -2).unsqueeze(1))
        skips = []
        for block in s.enc:
            x = block(x); skips.append(x); x = F.avg_pool2d(x, 2)
        x = s.mid(x)
        for up, block in zip(s.up, s.dec):
            x = block(torch.cat([up(x), skips.pop()], 1))
        x = s.cnn(x).transpose(1, 2).flatten(-2)
        return torch.sigmoid(s.fc(s.gru(x)[0]))[:, :frames]


# --- Synthesizer: text encoder, flow, NSF source, decoder (v2 48 kHz) ----------------------------
class RelAttention(nn.Module):
    def __init__(s, h=192, heads=2, window=10):
        super().__init__()
        s.heads, s.kc, s.w = heads, h // heads, window
        s.q, s.k, s.v, s.o = (nn.Conv1d(h, h, 1) for _ in range(4))
        s.rel_k = nn.Parameter(torch.randn(1, 2 * window + 1, s.kc) * s.kc ** -0.5)
        s.rel_v = nn.Parameter(torch.randn(1, 2 * window + 1, s.kc) * s.kc ** -0.5)

    def rel(s, table, t):  # the reference's padding and slicing of the table to [2T − 1, kc]
        pad = max(t - s.w - 1, 0)
        start = max(s.w + 1 - t, 0)
        return F.pad(table, (0, 0, pad, pad))[:, start:start + 2 * t - 1]

    def forward(s, x):  # [1, H, T]; the reference's pad-and-reshape relative attention
        t = x.shape[2]
        split = lambda y: y.view(1, s.heads, s.kc, t).transpose(2, 3)
        q, k, v = split(s.q(x)) / math.sqrt(s.kc), split(s.k(x)), split(s.v(x))
        scores = q @ k.transpose(-2, -1)
        logits = q @ s.rel(s.rel_k, t).unsqueeze(0).transpose(-2, -1)  # [1, h, T, 2T−1]
        logits = F.pad(F.pad(logits, (0, 1)).view(1, s.heads, 2 * t * t), (0, t - 1))
        scores = scores + logits.view(1, s.heads, t + 1, 2 * t - 1)[:, :, :t, t - 1:]
        p = torch.softmax(scores, -1)
        out = p @ v
        rp = F.pad(F.pad(p, (0, t - 1)).view(1, s.heads, t * (2 * t - 1)), (t, 0)).view(1, s.heads, t, 2 * t)[:, :, :, 1:]
        out = out + rp @ s.rel(s.rel_v, t).unsqueeze(0)
        return s.o(out.transpose(2, 3).reshape(1, -1, t))


class ChannelNorm(nn.LayerNorm):
    def forward(s, x): return super().forward(x.transpose(1, -1)).transpose(1, -1)


class TextEncoder(nn.Module):
    def __init__(s, h=192, f=768):
        super().__init__()
        s.phone, s.pitch = nn.Linear(768, h), nn.Embedding(256, h)
        s.attn = nn.ModuleList(RelAttention() for _ in range(6))
        s.ffn = nn.ModuleList(nn.Sequential(nn.Conv1d(h, f, 3, padding=1), nn.ReLU(), nn.Conv1d(f, h, 3, padding=1)) for _ in range(6))
        s.n1 = nn.ModuleList(ChannelNorm(h) for _ in range(6))
        s.n2 = nn.ModuleList(ChannelNorm(h) for _ in range(6))
        s.proj = nn.Conv1d(h, 384, 1)

    def forward(s, feats, pitch):
        x = F.leaky_relu((s.phone(feats) + s.pitch(pitch)) * math.sqrt(192), 0.1).transpose(1, 2)
        for a, f, n1, n2 in zip(s.attn, s.ffn, s.n1, s.n2):
            x = n1(x + a(x)); x = n2(x + f(x))
        return s.proj(x)[:, :192]


class WN(nn.Module):
    def __init__(s, h=192):
        super().__init__()
        s.h = h
        s.cond = nn.Conv1d(256, 6 * h, 1)
        s.ins = nn.ModuleList(nn.Conv1d(h, 2 * h, 5, padding=2) for _ in range(3))
        s.res = nn.ModuleList(nn.Conv1d(h, 2 * h if i < 2 else h, 1) for i in range(3))

    def forward(s, x, g):
        gc, out = s.cond(g), 0
        for i in range(3):
            a = s.ins[i](x) + gc[:, 2 * s.h * i:2 * s.h * (i + 1)]
            r = s.res[i](torch.tanh(a[:, :s.h]) * torch.sigmoid(a[:, s.h:]))
            if i < 2: x = x + r[:, :s.h]; out = out + r[:, s.h:]
            else: out = out + r
        return out


class Flow(nn.Module):
    def __init__(s):
        super().__init__()
        s.pre = nn.ModuleList(nn.Conv1d(96, 192, 1) for _ in range(4))
        s.wn = nn.ModuleList(WN() for _ in range(4))
        s.post = nn.ModuleList(nn.Conv1d(192, 96, 1) for _ in range(4))

    def forward(s, z, g):
        for i in reversed(range(4)):
            z = z.flip(1)
            x0, x1 = z[:, :96], z[:, 96:]
            z = torch.cat([x0, x1 - s.post[i](s.wn[i](s.pre[i](x0), g))], 1)
        return z


rates, kernels, ch0, upp = [12, 10, 2, 2], [24, 20, 4, 4], 512, 480


class Res(nn.Module):
    def __init__(s, c, k):
        super().__init__()
        s.c1 = nn.ModuleList(nn.Conv1d(c, c, k, 1, dilation=d, padding=(k * d - d) // 2) for d in (1, 3, 5))
        s.c2 = nn.ModuleList(nn.Conv1d(c, c, k, 1, padding=(k - 1) // 2) for _ in range(3))

    def forward(s, x):
        for a, b in zip(s.c1, s.c2):
            x = b(F.leaky_relu(a(F.leaky_relu(x, 0.1)), 0.1)) + x
        return x


class Decoder(nn.Module):
    def __init__(s):
        super().__init__()
        s.pre = nn.Conv1d(192, ch0, 7, 1, padding=3)
        s.cond = nn.Conv1d(256, ch0, 1)
        s.ups, s.noise, s.res = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i, (u, k) in enumerate(zip(rates, kernels)):
            c = ch0 // 2 ** (i + 1)
            s.ups.append(nn.ConvTranspose1d(ch0 // 2 ** i, c, k, u, padding=(k - u) // 2))
            stride = math.prod(rates[i + 1:])
            s.noise.append(nn.Conv1d(1, c, 2 * stride, stride, stride // 2) if i + 1 < len(rates) else nn.Conv1d(1, c, 1))
            for k2 in (3, 7, 11): s.res.append(Res(c, k2))
        s.post = nn.Conv1d(c, 1, 7, 1, padding=3, bias=False)
        s.source = nn.Linear(1, 1)

    def harmonic(s, f0):  # D.5 with the noise drawn
        rad = torch.remainder(f0.unsqueeze(-1) / 48000, 1)  # [1, T, 1]
        cum = torch.cumsum(rad, 1) * upp
        cum_up = F.interpolate(cum.transpose(1, 2), scale_factor=float(upp), mode="linear", align_corners=True).transpose(1, 2)
        rad_up = F.interpolate(rad.transpose(1, 2), scale_factor=float(upp), mode="nearest").transpose(1, 2)
        cum_up = torch.remainder(cum_up, 1)
        shift = torch.zeros_like(rad_up)
        shift[:, 1:] = -1.0 * ((cum_up[:, 1:] - cum_up[:, :-1]) < 0)
        sine = torch.sin(torch.cumsum(rad_up + shift, 1) * 2 * math.pi) * 0.1
        uv = F.interpolate((f0 > 0).float().unsqueeze(1), scale_factor=float(upp), mode="nearest").transpose(1, 2)
        sine = sine * uv + (uv * 0.003 + (1 - uv) * 0.1 / 3) * torch.randn_like(sine)
        return torch.tanh(s.source(sine.to(s.source.weight.dtype))).transpose(1, 2)

    def forward(s, x, g, f0):
        har = s.harmonic(f0)
        x = s.pre(x) + s.cond(g)
        for i in range(len(rates)):
            x = s.ups[i](F.leaky_relu(x, 0.1)) + s.noise[i](har)
            x = sum(s.res[i * 3 + j](x) for j in range(3)) / 3
        return torch.tanh(s.post(F.leaky_relu(x)))


def sync():
    if device.type == "cuda": torch.cuda.synchronize(device)


def timed(name, fn, times):
    sync(); start = time.perf_counter(); out = fn(); sync()
    times[name] = times.get(name, 0.0) + time.perf_counter() - start
    return out


with torch.inference_mode():
    hubert, rmvpe, encoder, flow, decoder = (m().eval().to(device=device, dtype=dtype) for m in (Hubert, RMVPE, TextEncoder, Flow, Decoder))
    rmvpe.window, rmvpe.melbank = rmvpe.window.to(device), rmvpe.melbank.to(device)

    def convert(input_seconds):
        pieces = 1 if input_seconds < x_max else math.ceil(input_seconds / x_center)
        piece = input_seconds / pieces
        times = {}
        whole = torch.randn(1, int((input_seconds + 2 * x_pad) * 16000), device=device) * 0.1
        timed("pitch", lambda: rmvpe(whole), times)
        for _ in range(pieces):
            audio = torch.randn(1, int((piece + 2 * x_pad) * 16000), device=device, dtype=dtype) * 0.1
            feats = timed("features", lambda: hubert(audio), times)

            def synthesize():
                x = F.interpolate(feats.transpose(1, 2), scale_factor=2.0).transpose(1, 2)  # 2n frames
                t = x.shape[1]
                pitch = torch.randint(1, 256, (1, t), device=device)
                f0 = torch.rand(1, t, device=device) * 300 + 100
                g = torch.randn(1, 256, 1, device=device, dtype=dtype)
                z = flow(encoder(x, pitch) * 1.0, g)
                return decoder(z, g, f0)
            timed("synthesis", synthesize, times)
        times["total"] = sum(times.values())
        times["segments"] = pieces
        return times

    convert(2)  # warm-up
    if device.type == "cuda": torch.cuda.reset_peak_memory_stats(device)
    runs = [convert(seconds) for _ in range(options.runs)]
    report = {
        "torch": torch.__version__, "device": str(device), "dtype": options.dtype, "threads": options.threads,
        "input_seconds": seconds, "segments": runs[0]["segments"],
        "runs": [{k: v for k, v in r.items() if k != "segments"} for r in runs],
        "median": {k: statistics.median(r[k] for r in runs) for k in ("pitch", "features", "synthesis", "total")},
    }
    report["speed"] = seconds / report["median"]["total"]
    if device.type == "cuda":
        report["gpu"] = torch.cuda.get_device_name(device)
        report["peak_gpu_allocated_bytes"] = torch.cuda.max_memory_allocated(device)
        report["peak_gpu_reserved_bytes"] = torch.cuda.max_memory_reserved(device)
    if options.json:
        print(json.dumps(report, indent=1))
    else:
        for name in ("features", "pitch", "synthesis", "total"):
            print(f"{name}: {[round(r[name], 2) for r in runs]} s")
