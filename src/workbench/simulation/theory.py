"""Queueing formulas the simulation is checked against (M/M/1, M/M/c with Erlang C)."""

from __future__ import annotations

import math


def erlang_c(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Probability that an arriving case has to wait in an M/M/c queue."""
    a = arrival_rate / service_rate  # offered load in Erlang
    rho = a / servers
    if not 0 <= rho < 1:
        raise ValueError("Auslastung muss unter 1 liegen, sonst wächst die Warteschlange ohne Ende.")
    top = a ** servers / math.factorial(servers) / (1 - rho)
    return top / (sum(a ** k / math.factorial(k) for k in range(servers)) + top)


def mmc_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean waiting time in the queue (same time unit as the rates) of an M/M/c queue;
    for c = 1 this is the M/M/1 formula ρ / (μ − λ)."""
    return erlang_c(servers, arrival_rate, service_rate) / (servers * service_rate - arrival_rate)
