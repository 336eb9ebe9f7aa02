#!/usr/bin/env python3
"""Reference numbers for the neural judge (Gemma 3 270M, GGUF) from transformers + torch.

spinfix scores text with its own numpy forward pass over the GGUF weights.  This script
produces the numbers that pass is checked against, computed by transformers + torch on the
SAME GGUF file (float32 weights dequantized by transformers' GGUF loader, eager attention so
the 512-token sliding window is an explicit mask, one thread).

It is not part of spinfix and is not run by its tests: it needs torch, transformers, gguf, accelerate
and numpy (a separate virtual environment).  Without them it prints one line and exits 2.

    python benchmarks/judge_reference_make.py --gguf gemma-3-270m-q4_k_m.gguf \
        --texts texts.jsonl --out DIR

texts.jsonl holds one {"id", "kind", "text"} object a line.  Written to DIR:
  config.json     what transformers' config and modules say (window, rope, scaling, ...)
  reference.npz   for text i (line order): ids_i (int32, with BOS), logp_i (float64,
                  log P(ids[t] | ids[:t]) for t >= 1: log_softmax of the float32 logits
                  computed in float64), logit_i (float32 target logits) and lse_i (float64
                  log-sum-exp of the logits row) so logp_i == logit_i - lse_i
  reference.json  ids, token strings, per-text and overall mean nats/token, timings
  hidden.npz      for 3 short sentences (k = 0..2): ids_k; hidden_states_k [L+1, T, H] as
                  transformers returns them (0 = embedding times sqrt(H), L = after the final
                  norm); from hooks: embed_k, layer_out_k [L, T, H] (raw block outputs),
                  attn_out_k (o_proj output), mlp_out_k (down_proj output), q_normed_k
                  [L, 4, T, 256] and k_normed_k [L, 1, T, 256] (after q/k RMSNorm, before
                  RoPE), final_norm_k [T, H], logits_last_k [V]; meta_json
"""
import argparse
import hashlib
import json
import os
import platform
import resource
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

try:
    import numpy as np
    import torch
    import transformers
    import gguf  # noqa: F401  (transformers' GGUF loader needs it)
    import accelerate  # noqa: F401  (and so does from_pretrained with gguf_file)
    from transformers import AutoModelForCausalLM, AutoTokenizer
except ImportError as exc:  # pragma: no cover
    print(f"judge_reference_make: needs torch, transformers, gguf, accelerate and numpy ({exc}); "
          "run it in a virtual environment that has them", file=sys.stderr)
    sys.exit(2)


def rss_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def log_probs(logits, ids, rows=128):
    """logits: float32 [T, V] tensor; returns (logp, target logit, lse) for t = 1..T-1."""
    n = len(ids) - 1
    logp = np.empty(n, dtype=np.float64)
    tgt = np.empty(n, dtype=np.float32)
    lse = np.empty(n, dtype=np.float64)
    target = torch.tensor(ids[1:], dtype=torch.long)
    for a in range(0, n, rows):
        b = min(n, a + rows)
        chunk = logits[a:b]                              # predicts ids[a+1 : b+1]
        tg = target[a:b].unsqueeze(1)
        t32 = chunk.gather(1, tg).squeeze(1)
        l64 = torch.logsumexp(chunk.double(), dim=-1)
        lp = torch.log_softmax(chunk.double(), dim=-1).gather(1, tg).squeeze(1)
        logp[a:b] = lp.numpy()
        tgt[a:b] = t32.numpy()
        lse[a:b] = l64.numpy()
    return logp, tgt, lse


def config_facts(model, tok, gguf_path):
    cfg = model.config
    inner = model.model
    layers = inner.layers
    attn0 = layers[0].self_attn
    facts = {
        "model_class": type(model).__name__,
        "model_type": cfg.model_type,
        "attn_implementation": getattr(cfg, "_attn_implementation", None),
        "dtype": str(next(model.parameters()).dtype),
        "vocab_size": cfg.vocab_size,
        "embedding_rows": int(inner.embed_tokens.weight.shape[0]),
        "hidden_size": cfg.hidden_size,
        "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads,
        "head_dim": cfg.head_dim,
        "q_proj_shape": list(attn0.q_proj.weight.shape),
        "k_proj_shape": list(attn0.k_proj.weight.shape),
        "o_proj_shape": list(attn0.o_proj.weight.shape),
        "hidden_activation": cfg.hidden_activation,
        "rms_norm_eps": cfg.rms_norm_eps,
        "max_position_embeddings": cfg.max_position_embeddings,
        "sliding_window": cfg.sliding_window,
        "layer_types": list(cfg.layer_types),
        "global_layers": [i for i, t in enumerate(cfg.layer_types) if t == "full_attention"],
        "rope_parameters": json.loads(json.dumps(cfg.rope_parameters, default=str)),
        "query_pre_attn_scalar": cfg.query_pre_attn_scalar,
        "attention_scaling_module": float(attn0.scaling),
        "final_logit_softcapping": cfg.final_logit_softcapping,
        "attn_logit_softcapping": cfg.attn_logit_softcapping,
        "use_bidirectional_attention": getattr(cfg, "use_bidirectional_attention", None),
        "tie_word_embeddings": cfg.tie_word_embeddings,
        "lm_head_is_embed_tokens": bool(
            model.lm_head.weight.data_ptr() == inner.embed_tokens.weight.data_ptr()),
        "embed_scale": float(getattr(inner.embed_tokens, "embed_scale", float("nan"))),
        "embed_scale_sqrt_hidden": float(np.float32(cfg.hidden_size ** 0.5)),
        "bos_token_id": cfg.bos_token_id,
        "eos_token_id": cfg.eos_token_id,
        "pad_token_id": cfg.pad_token_id,
        "norms_per_block": sorted(n for n, m in layers[0].named_modules()
                                  if type(m).__name__.endswith("RMSNorm")),
    }
    # Module-level truths that the config only implies.
    per_layer = []
    for i, layer in enumerate(layers):
        a = layer.self_attn
        per_layer.append({"layer": i, "type": cfg.layer_types[i],
                          "is_sliding": bool(getattr(a, "is_sliding", False)),
                          "sliding_window": getattr(a, "sliding_window", None),
                          "scaling": float(a.scaling)})
    facts["per_layer_attention"] = per_layer
    rot = inner.rotary_emb
    inv = {}
    for lt in sorted(set(cfg.layer_types)):
        buf = getattr(rot, f"{lt}_inv_freq", None)
        if buf is None and hasattr(rot, "inv_freq"):
            buf = rot.inv_freq
        if buf is not None:
            f = buf.double().cpu().numpy()
            d = 2 * len(f)
            # inv_freq[k] = base^(-2k/d)  ->  base = inv_freq[1]^(-d/2)
            inv[lt] = {"n": int(len(f)), "inv_freq_0_1_last": [float(f[0]), float(f[1]), float(f[-1])],
                       "implied_base": float(f[1] ** (-d / 2.0)),
                       "attention_scaling": float(getattr(rot, f"{lt}_attention_scaling",
                                                          getattr(rot, "attention_scaling", 1.0)))}
    facts["rotary_inv_freq"] = inv
    # Norm weights: the GGUF stores 1 + w, transformers subtracts 1 and multiplies by (1 + w).
    w = layers[0].input_layernorm.weight.detach().float()
    facts["norm_weight_note"] = ("transformers holds GGUF_value - 1 and multiplies by (1 + w) in float32; "
                                 "(1 + (v - 1)) may differ from v by float32 rounding")
    facts["input_layernorm0_weight_mean"] = float(w.mean())
    # Sliding-window mask, evaluated from the very function transformers uses.
    try:
        from transformers.masking_utils import sliding_window_causal_mask_function
        fn = sliding_window_causal_mask_function(cfg.sliding_window)
        kv = torch.arange(601)
        allowed = kv[fn(torch.tensor(0), torch.tensor(0), torch.tensor(600), kv)].tolist()
        facts["sliding_mask_at_q600"] = {"first_kv": allowed[0], "last_kv": allowed[-1],
                                         "count": len(allowed), "rule": "q - kv < sliding_window"}
    except Exception as exc:  # pragma: no cover
        facts["sliding_mask_at_q600"] = f"unavailable: {exc}"
    facts["tokenizer"] = {
        "class": type(tok).__name__,
        "vocab_len": len(tok),
        "bos": [tok.bos_token, tok.bos_token_id], "eos": [tok.eos_token, tok.eos_token_id],
        "unk": [tok.unk_token, tok.unk_token_id], "pad": [tok.pad_token, tok.pad_token_id],
        "sample": {}}
    for s in ("Hello world", " Hello  world.\n\tTab", "naïve café — “quoted”"):
        ids = tok(s, add_special_tokens=True)["input_ids"]
        facts["tokenizer"]["sample"][s] = {"ids": ids, "tokens": tok.convert_ids_to_tokens(ids)}
    facts["versions"] = {"python": platform.python_version(), "torch": torch.__version__,
                         "transformers": transformers.__version__, "gguf": _version("gguf"),
                         "numpy": np.__version__, "tokenizers": _version("tokenizers")}
    facts["gguf_file"] = {"name": os.path.basename(gguf_path), "bytes": os.path.getsize(gguf_path),
                          "sha256": sha256(gguf_path)}
    facts["torch_threads"] = torch.get_num_threads()
    return facts


def _version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None


def attention_window_check(model, ids):
    """Count the keys with nonzero attention weight at the last position, per layer (eager)."""
    with torch.inference_mode():
        out = model(input_ids=torch.tensor([ids]), use_cache=False, output_attentions=True,
                    logits_to_keep=1)
    res = []
    for i, a in enumerate(out.attentions):
        row = a[0, :, -1, :]                                   # [heads, T]
        nz = (row > 0).sum(dim=-1)
        first = int((row[0] > 0).nonzero()[0])
        res.append({"layer": i, "nonzero_keys_last_row": int(nz.max()), "first_key": first})
    return {"T": len(ids), "layers": res}


def hidden_dump(model, tok, texts):
    """Everything a layer-by-layer comparison needs, for a few short texts."""
    inner = model.model
    store = {}
    hooks = []

    def keep(name):
        def hook(_m, _inp, out):
            t = out[0] if isinstance(out, tuple) else out
            store.setdefault(name, []).append(t.detach()[0].float().numpy().copy())
        return hook

    hooks.append(inner.embed_tokens.register_forward_hook(keep("embed")))
    for layer in inner.layers:
        hooks.append(layer.register_forward_hook(keep("layer_out")))
        hooks.append(layer.self_attn.register_forward_hook(keep("attn_out")))
        hooks.append(layer.self_attn.q_norm.register_forward_hook(keep("q_normed")))
        hooks.append(layer.self_attn.k_norm.register_forward_hook(keep("k_normed")))
        hooks.append(layer.mlp.register_forward_hook(keep("mlp_out")))
    hooks.append(inner.norm.register_forward_hook(keep("final_norm")))
    arrays = {}
    meta = []
    try:
        for k, (tid, text) in enumerate(texts):
            store.clear()
            ids = tok(text, add_special_tokens=True)["input_ids"]
            with torch.inference_mode():
                out = model(input_ids=torch.tensor([ids]), use_cache=False, output_hidden_states=True)
            hs = np.stack([h[0].float().numpy() for h in out.hidden_states])
            arrays[f"ids_{k}"] = np.asarray(ids, dtype=np.int32)
            arrays[f"hidden_states_{k}"] = hs                        # [L+1, T, H]
            arrays[f"embed_{k}"] = store["embed"][0]                  # scaled by sqrt(H)
            for name in ("layer_out", "attn_out", "mlp_out", "q_normed", "k_normed"):
                arrays[f"{name}_{k}"] = np.stack(store[name])
            arrays[f"final_norm_{k}"] = store["final_norm"][0]
            arrays[f"logits_last_{k}"] = out.logits[0, -1].float().numpy()
            last_equals_norm = bool(np.array_equal(hs[-1], store["final_norm"][0]))
            last_equals_layer = bool(np.array_equal(hs[-1], store["layer_out"][-1]))
            meta.append({"k": k, "id": tid, "text": text, "n_tokens": len(ids),
                         "hidden_states_last_is_final_norm": last_equals_norm,
                         "hidden_states_last_is_last_layer_raw": last_equals_layer,
                         "hidden_states_0_is_scaled_embed": bool(np.array_equal(hs[0], store["embed"][0]))})
    finally:
        for h in hooks:
            h.remove()
    arrays["meta_json"] = np.array(json.dumps(meta, ensure_ascii=False))
    return arrays, meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gguf", required=True, help="path of the GGUF file")
    ap.add_argument("--texts", required=True, help="JSONL of {id, kind, text}")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--hidden-ids", default="", help="comma-separated text ids for hidden.npz "
                    "(default: the 3 shortest texts of kind 'sentence')")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts (for a try)")
    args = ap.parse_args(argv)

    t_start = time.time()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    with open(args.texts, encoding="utf-8") as fh:
        texts = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        texts = texts[:args.limit]

    gdir, gname = os.path.split(os.path.abspath(args.gguf))
    rss0 = rss_mb()
    t0 = time.time()
    tok = AutoTokenizer.from_pretrained(gdir, gguf_file=gname)
    t_tok = time.time() - t0
    model = AutoModelForCausalLM.from_pretrained(gdir, gguf_file=gname, dtype=torch.float32,
                                                 attn_implementation="eager")
    model.eval()
    t_load = time.time() - t0
    rss_loaded = rss_mb()
    print(f"loaded in {t_load:.1f} s (tokenizer {t_tok:.1f} s), RSS {rss_loaded:.0f} MB", flush=True)

    facts = config_facts(model, tok, args.gguf)
    facts["full_config"] = json.loads(model.config.to_json_string(use_diff=False))

    # Sliding window, measured on the attention weights themselves.
    long_ids = None
    for t in texts:
        ids = tok(t["text"], add_special_tokens=True)["input_ids"]
        if len(ids) > 600:
            long_ids = ids
            break
    if long_ids is not None:
        facts["attention_window_measured"] = attention_window_check(model, long_ids)

    # Reference log-probabilities.
    arrays = {}
    records = []
    fwd_s = 0.0
    lsm_s = 0.0
    n_tok = 0
    for i, t in enumerate(texts):
        ids = tok(t["text"], add_special_tokens=True)["input_ids"]
        t1 = time.time()
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor([ids]), use_cache=False).logits[0]
        t2 = time.time()
        logp, tgt, lse = log_probs(logits[:-1], ids)
        t3 = time.time()
        del logits
        fwd_s += t2 - t1
        lsm_s += t3 - t2
        n_tok += len(ids)
        arrays[f"ids_{i}"] = np.asarray(ids, dtype=np.int32)
        arrays[f"logp_{i}"] = logp
        arrays[f"logit_{i}"] = tgt
        arrays[f"lse_{i}"] = lse
        records.append({"index": i, "id": t["id"], "kind": t["kind"], "n_tokens": len(ids),
                        "sum_logp": float(logp.sum()),
                        "mean_nats_per_token": float(-logp.mean()) if len(logp) else None,
                        "ids": ids, "tokens": tok.convert_ids_to_tokens(ids),
                        "forward_s": round(t2 - t1, 4)})
        if (i + 1) % 10 == 0 or i + 1 == len(texts):
            print(f"{i + 1}/{len(texts)} texts, {n_tok} tokens, {n_tok / fwd_s:.1f} tok/s forward, "
                  f"RSS {rss_mb():.0f} MB", flush=True)

    # Hidden states for a few short sentences.
    if args.hidden_ids:
        want = args.hidden_ids.split(",")
        by_id = {t["id"]: t for t in texts}
        hid = [(w, by_id[w]["text"]) for w in want]
    else:
        sents = [(len(r["ids"]), r["index"]) for r in records if r["kind"] == "sentence"]
        hid = [(texts[j]["id"], texts[j]["text"]) for _, j in sorted(sents)[:3]]
    harrays, hmeta = hidden_dump(model, tok, hid)
    np.savez_compressed(os.path.join(args.out, "hidden.npz"), **harrays)

    np.savez(os.path.join(args.out, "reference.npz"), **arrays)
    total_s = time.time() - t_start
    all_lp = np.concatenate([arrays[f"logp_{i}"] for i in range(len(texts))])
    by_kind = {}
    for r in records:
        k = by_kind.setdefault(r["kind"], {"texts": 0, "scored_tokens": 0, "sum_logp": 0.0})
        k["texts"] += 1
        k["scored_tokens"] += r["n_tokens"] - 1
        k["sum_logp"] += r["sum_logp"]
    for k in by_kind.values():
        k["mean_nats_per_token"] = -k["sum_logp"] / max(1, k["scored_tokens"])
    by_id = {r["id"]: r for r in records}
    pairs = []
    for r in records:
        if r["kind"] == "pair_original":
            spun = by_id.get(r["id"].replace("-orig", "-spun"))
            if spun:
                pairs.append({"pair": r["id"][:-5], "original_minus_spun_nats":
                              r["sum_logp"] - spun["sum_logp"]})
    summary = {
        "texts": len(texts), "tokens_with_bos": n_tok, "scored_tokens": int(all_lp.size),
        "mean_nats_per_token": float(-all_lp.mean()), "by_kind": by_kind, "pairs": pairs,
        "max_tokens": max(r["n_tokens"] for r in records),
        "texts_over_512_tokens": sum(r["n_tokens"] > 512 for r in records),
        "timing": {"load_s": round(t_load, 2), "tokenizer_load_s": round(t_tok, 2),
                   "forward_s": round(fwd_s, 2), "log_softmax_f64_s": round(lsm_s, 2),
                   "tokens_per_s_forward": round(n_tok / fwd_s, 2),
                   "tokens_per_s_with_log_softmax": round(n_tok / (fwd_s + lsm_s), 2),
                   "total_s": round(total_s, 2), "threads": torch.get_num_threads()},
        "memory_mb": {"rss_before_load": round(rss0), "rss_after_load": round(rss_loaded),
                      "peak_rss": round(peak_rss_mb())},
    }
    facts["hidden_npz"] = hmeta
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as fh:
        json.dump(facts, fh, indent=1, ensure_ascii=False, default=str)
    with open(os.path.join(args.out, "reference.json"), "w", encoding="utf-8") as fh:
        json.dump({"meta": {"gguf": facts["gguf_file"], "versions": facts["versions"],
                            "npz_keys": "ids_i int32 (with BOS), logp_i float64 (t>=1), logit_i float32, "
                                        "lse_i float64; i = line index in the texts file",
                            "texts_file": os.path.abspath(args.texts)},
                   "summary": summary, "texts": records}, fh, ensure_ascii=False)
    print(json.dumps(summary, indent=1), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
