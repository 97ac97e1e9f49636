// `alloy plan --help` (kept apart from plan.ts, which loads the image decoders).
export const PLAN_USAGE = `alloy plan MODEL.alloy --calib DATA [--labels LABELS.npy|.json] --metric M --tolerance T [--relative]
           --formats f16,i8,i4 --search greedy|binary|pareto -o map.json --report report.html [--samples N --seed S]
  DATA: .npy | .json | .f32 (with --shape 1000,784) | a folder of .png/.jpg images
        images: [--layout nhwc|nchw|flat] [--size HxW] [--channels C] [--mean a,b,c] [--std a,b,c] [--scale 0.0039]
  metrics: top1 ce kl cosine mse nme pck (without labels the FP32 output is the ground truth)
        [--norm X | --norm FILE.npy] [--landmark-dims 2] [--pck 0.1] [--output-kind auto|probs|logits]
  formats: WEIGHTS[:tensor|:channel|:gN][/ACTS[/ACC]], e.g. f16 bf16 f8_e4m3fn i8 i4:g32 mxfp4_e2m1 i8/i8 f32/bf16
  sensitivity: [--rank-by perturb|hessian|secant] [--hutchinson 8] [--h-rel 0.01] [--no-secant]
  calibration: [--calib-method minmax|percentile|mse|kl] [--calib-granularity tensor|channel|block]
        [--block 32] [--percentile 99.99] [--asymmetric] [--calib-out calib.json] [--no-calibration]
  other: [--bundle-out OUT.alloy] [--pareto-points 16] [--batch 64] [--warmup-ms 500] [--runs 21] [--no-latency]
  radical rounding (docs/EXPERIMENTS.md): --scheme radical --levels i4,i8,i16 --error-min 1e-5 --error-max 7e-3 --mu 0
        per Dense layer the smallest level whose output error is <= error-max, input rounding floor/ceil by the
        secant slope when error-min < error <= error-max and |slope| > mu; -o map.json [--bundle-out OUT.alloy]`;
