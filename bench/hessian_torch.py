"""PyTorch autograd reference for the lab's Hessian traces (bench/hessianTorch.ts runs it).

Reads the JSON bench/hessianTorch.ts writes (the checkpoint's float model as layer specs and weights,
and the batch the lab's Hessian analysis uses), rebuilds the model in float64 (channels-last
semantics: 'same' convolutions, flatten in NHWC order, BN in evaluation mode), checks that its loss
equals the lab's, and prints per-layer traces of the loss's Hessian blocks: Hutchinson with many
Rademacher probes (and its standard error) and, for blocks up to --exact-max weights, the exact
trace sum_i (H e_i)_i.
"""
import argparse
import json
import math
import sys

import torch
import torch.nn.functional as F


def build(spec_file):
    spec = json.load(open(spec_file))
    params = []
    layers = []
    for layer in spec["layers"]:
        entry = dict(layer)
        w = torch.tensor(layer["weight"], dtype=torch.float64).reshape(layer["weightShape"])
        w.requires_grad_(True)
        entry["w"] = w
        params.append((layer["name"], w))
        if layer.get("bias") is not None:
            entry["b"] = torch.tensor(layer["bias"], dtype=torch.float64)
        if layer.get("bn") is not None:
            entry["bn"] = {k: torch.tensor(v, dtype=torch.float64) for k, v in layer["bn"].items()}
        layers.append(entry)
    x = torch.tensor(spec["x"], dtype=torch.float64).reshape(-1, 784)
    y = torch.tensor(spec["labels"], dtype=torch.long)
    return spec, layers, params, x, y


def forward(layers, x, eps):
    first = layers[0]
    h = x if len(first["inShape"]) == 1 else x.reshape(x.shape[0], *first["inShape"])
    for l in layers:
        if l["kind"] == "dense":
            h = h @ l["w"]
        elif l["kind"] in ("conv", "depthwise"):
            k = l["w"].shape[0]
            nchw = h.permute(0, 3, 1, 2)
            if l["kind"] == "conv":
                w = l["w"].permute(3, 2, 0, 1)  # [k, k, in, out] -> [out, in, k, k]
                out = F.conv2d(nchw, w, padding=k // 2)
            else:
                c = l["w"].shape[2]
                w = l["w"].reshape(k, k, c).permute(2, 0, 1).unsqueeze(1)  # [c, 1, k, k]
                out = F.conv2d(nchw, w, padding=k // 2, groups=c)
            h = out.permute(0, 2, 3, 1)
        else:
            raise ValueError(f"layer kind {l['kind']} is not supported here")
        if "b" in l:
            h = h + l["b"]
        if l.get("bn") is not None:
            bn = l["bn"]
            h = (h - bn["mean"]) / torch.sqrt(bn["variance"] + eps) * bn["gamma"] + bn["beta"]
        if l.get("activation") == "relu":
            h = torch.relu(h)
        if l.get("pool") == "max2":
            h = F.max_pool2d(h.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
        elif l.get("pool") == "gap":
            h = h.mean(dim=(1, 2), keepdim=True)
        if l.get("flatten"):
            h = h.reshape(h.shape[0], -1)
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--probes", type=int, default=2000)
    ap.add_argument("--exact-max", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    spec, layers, params, x, y = build(a.spec)
    ws = [w for _, w in params]
    loss = F.cross_entropy(forward(layers, x, spec["bnEpsilon"]), y)
    grads = torch.autograd.grad(loss, ws, create_graph=True)

    def hv(vs):
        return torch.autograd.grad(grads, ws, grad_outputs=vs, retain_graph=True)

    samples = [[] for _ in ws]
    for _ in range(a.probes):
        vs = [torch.randint(0, 2, w.shape, dtype=torch.float64) * 2 - 1 for w in ws]
        for i, (v, h) in enumerate(zip(vs, hv(vs))):
            samples[i].append(float((v * h).sum()))
    out = {"loss": float(loss), "labLoss": spec["loss"], "torch": torch.__version__, "probes": a.probes, "layers": []}
    for (name, w), s in zip(params, samples):
        n = len(s)
        mean = sum(s) / n
        std = math.sqrt(sum((t - mean) ** 2 for t in s) / (n - 1))
        entry = {"name": name, "params": w.numel(), "hutchinson": mean, "stdErr": std / math.sqrt(n)}
        if w.numel() <= a.exact_max:
            total = 0.0
            for j in range(w.numel()):
                vs = [torch.zeros_like(u) for u in ws]
                vs[ws.index(w)].view(-1)[j] = 1.0
                total += float(hv(vs)[ws.index(w)].reshape(-1)[j])
            entry["exact"] = total
        out["layers"].append(entry)
        print(f"  {name}: done", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
