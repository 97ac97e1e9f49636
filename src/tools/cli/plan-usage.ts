// `alloy plan --help` (kept apart from plan.ts, which loads the image decoders).
export const PLAN_USAGE = `alloy plan MODEL.alloy --calib DATA [--labels LABELS.npy|.json] --metric M --tolerance T [--relative]
           --formats f16,i8,i4 --search greedy|binary|pareto -o map.json --report report.html [--samples N --seed S]
  DATA: .npy | .json | .f32 (with --shape 1000,784) | a folder of .png/.jpg images
        text models (integer inputs: ids, mask): token-id rows, .json ([[ids...]] or {"ids", "mask", "labels"})
        or .npy [n, S]; rows padded with --pad-id 0 (mask 0); inputs fed by name: *mask*, *type*, else ids
        images: [--layout nhwc|nchw|flat] [--size HxW] [--channels C] [--mean a,b,c] [--std a,b,c] [--scale 0.0039]
  metrics: top1 ce kl cosine cosine_min perplexity mse nme pck (without labels the FP32 output is the ground truth;
        cosine, cosine_min, kl, perplexity computed by the module; kl per row of the last axis, weighted by the mask;
        perplexity: labels or the next tokens)
        [--norm X | --norm FILE.npy] [--landmark-dims 2] [--pck 0.1] [--output-kind auto|probs|logits]
  formats: WEIGHTS[:tensor|:channel|:gN][/ACTS[/ACC]][+sq[ALPHA]], e.g. f16 bf16 f8_e4m3fn i8 i4:g32 mxfp4_e2m1 i8/i8 f32/bf16
        i8/i8+sq0.5 (SmoothQuant before w8a8: the smoothed weights are in --bundle-out's bundle)
  sensitivity: [--rank-by perturb|hessian|secant] [--hutchinson 8] [--h-rel 0.01] [--no-secant]
  calibration: [--calib-method minmax|percentile|mse|kl] [--calib-granularity tensor|channel|block]
        [--block 32] [--percentile 99.99] [--asymmetric] [--calib-out calib.json] [--no-calibration]
  other: [--bundle-out OUT.alloy] [--pareto-points 16] [--batch 64] [--warmup-ms 500] [--runs 21] [--no-latency]
  radical rounding (docs/EXPERIMENTS.md): --scheme radical --levels i4,i8,i16 --error-min 1e-5 --error-max 7e-3 --mu 0
        per Dense layer the smallest level whose output error is <= error-max, input rounding floor/ceil by the
        secant slope when error-min < error <= error-max and |slope| > mu; -o map.json [--bundle-out OUT.alloy]`;
