"""PyTorch CPU reference for `npm run bench`: the lab's MLP and CNN, float and W4A4 fake-quant (STE).

Prints one JSON line per measurement: {"env": "torch", "model", "precision", "batch", "stepsPerSec", "spread"}.
Models match src/models/spec.ts: MLP 784-256-256-10; CNN conv3x3x16-BN-ReLU-maxpool2 -> conv3x3x32-BN-ReLU-maxpool2
-> dense10. Adam, loss read back every step (as the lab's reports do at their cadence), synthetic MNIST-shaped data.
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # docs/performance.md pitfall 10: avoid oversubscription
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)


def fq(x, bits, signed):
    """Per-tensor min-max fake quantization with the straight-through estimator."""
    if bits >= 32:
        return x
    if signed:
        qmax = 2 ** (bits - 1) - 1
        s = x.detach().abs().max().clamp_min(1e-8) / qmax
        q = torch.clamp(torch.round(x / s), -qmax - 1, qmax) * s
    else:
        lo, hi = x.detach().min().clamp_max(0), x.detach().max().clamp_min(1e-8)
        s = (hi - lo) / (2 ** bits - 1)
        z = torch.round(-lo / s)
        q = (torch.clamp(torch.round(x / s) + z, 0, 2 ** bits - 1) - z) * s
    return x + (q - x).detach()


class MLP(nn.Module):
    def __init__(self, bits):
        super().__init__()
        self.bits = bits
        self.fcs = nn.ModuleList([nn.Linear(784, 256), nn.Linear(256, 256), nn.Linear(256, 10)])

    def forward(self, x):
        for i, fc in enumerate(self.fcs):
            x = F.linear(fq(x, self.bits, False), fq(fc.weight, self.bits, True), fc.bias)
            if i < len(self.fcs) - 1:
                x = F.relu(x)
        return x


class CNN(nn.Module):
    def __init__(self, bits):
        super().__init__()
        self.bits = bits
        self.c1, self.b1 = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.c2, self.b2 = nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        b = self.bits
        x = F.max_pool2d(F.relu(self.b1(F.conv2d(fq(x, b, False), fq(self.c1.weight, b, True), padding=1))), 2)
        x = F.max_pool2d(F.relu(self.b2(F.conv2d(fq(x, b, False), fq(self.c2.weight, b, True), padding=1))), 2)
        x = x.flatten(1)
        return F.linear(fq(x, b, False), fq(self.fc.weight, b, True), self.fc.bias)


def measure(model_name, bits, steps, runs):
    torch.manual_seed(1)
    batch = 128 if model_name == "mlp" else 64
    model = MLP(bits) if model_name == "mlp" else CNN(bits)
    shape = (batch, 784) if model_name == "mlp" else (batch, 1, 28, 28)
    x, y = torch.rand(shape), torch.randint(0, 10, (batch,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(5):
        step()
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps / (time.perf_counter() - t0))
    return batch, statistics.median(rates), (max(rates) - min(rates)) / 2


def main():
    quick = "--quick" in sys.argv
    runs = 3 if quick else 5
    for model_name, steps in (("mlp", 30 if quick else 100), ("cnn", 10 if quick else 40)):
        for precision, bits in (("float", 32), ("w4a4", 4)):
            batch, rate, spread = measure(model_name, bits, steps, runs)
            print(json.dumps({"env": "torch", "backend": "torch-cpu", "model": model_name, "precision": precision,
                              "batch": batch, "stepsPerSec": round(rate, 2), "spread": round(spread, 2)}), flush=True)


if __name__ == "__main__":
    main()
