"""Learning-rate schedules: callables that map the step number (0, 1, 2, ...) to a
learning rate. ``fit`` sets ``optimizer.lr = schedule(step)`` before every step."""

from __future__ import annotations

import math
from collections.abc import Callable

Schedule = Callable[[int], float]


def step_decay(lr: float, every: int, factor: float = 0.1) -> Schedule:
    """η_t = η · factor^⌊t / every⌋: drop the rate by ``factor`` every ``every`` steps."""
    return lambda step: lr * factor ** (step // every)


def warmup_cosine(lr: float, warmup_steps: int, total_steps: int, final_lr: float = 0.0) -> Schedule:
    """Linear warm-up from ~0 to ``lr`` over ``warmup_steps``, then a cosine decay to
    ``final_lr`` at ``total_steps``. Warm-up keeps the first, noisiest steps small (Adam's
    second-moment estimate is still poor); the cosine tail lets the weights settle."""
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}")

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return lr * (step + 1) / warmup_steps
        progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1.0)
        return final_lr + (lr - final_lr) * 0.5 * (1 + math.cos(math.pi * progress))

    return schedule
