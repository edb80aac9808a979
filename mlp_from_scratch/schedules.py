"""Learning-rate schedules: callables that map the step number (0, 1, 2, ...) to a
learning rate. ``fit`` sets ``optimizer.lr = schedule(step)`` before every step."""

from __future__ import annotations

import math
from collections.abc import Callable

from .validation import check_int, check_real

Schedule = Callable[[int], float]


def step_decay(lr: float, every: int, factor: float = 0.1) -> Schedule:
    """η_t = η · factor^⌊t / every⌋: drop the rate by ``factor`` every ``every`` steps."""
    lr = check_real(lr, "step_decay lr", low=0.0, low_open=True, fix="e.g. 0.1")
    every = check_int(every, "step_decay every")
    factor = check_real(factor, "step_decay factor", low=0.0, low_open=True, high=1.0,
                        fix="the multiplier applied every `every` steps, e.g. 0.1")
    return lambda step: lr * factor ** (step // every)


def warmup_cosine(lr: float, warmup_steps: int, total_steps: int, final_lr: float = 0.0) -> Schedule:
    """Linear warm-up from ~0 to ``lr`` over ``warmup_steps``, then a cosine decay to
    ``final_lr`` at ``total_steps``. Warm-up keeps the first, noisiest steps small (Adam's
    second-moment estimate is still poor); the cosine tail lets the weights settle.

    Steps are counted from 0: step ``warmup_steps − 1`` reaches ``lr`` (the ramp gives
    lr/warmup_steps at step 0, never 0). After the last step, from step ``total_steps``
    on, the rate stays at ``final_lr`` for ever (it does not restart, as PyTorch's
    ``CosineAnnealingWarmRestarts`` would, nor climb back, as ``CosineAnnealingLR`` does
    past ``T_max``); with the default ``final_lr=0`` those steps change nothing.
    """
    lr = check_real(lr, "warmup_cosine lr", low=0.0, low_open=True, fix="the peak rate, e.g. 1e-3")
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=0)
    total_steps = check_int(total_steps, "total_steps")
    final_lr = check_real(final_lr, "final_lr", low=0.0, high=lr,
                          fix="the rate at the end, between 0 and lr")
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}")

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return lr * (step + 1) / warmup_steps
        progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1.0)
        return final_lr + (lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))

    return schedule
