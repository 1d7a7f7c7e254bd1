#!/usr/bin/env python3
"""Writes a realistic compose file with N services (for benchmarks; not used by tests).

Each service has the keys real stacks use: image, command, environment with interpolation,
a published port, a named volume, a bind mount, depends_on, a healthcheck, labels and
networks, so parsers and planners do representative work."""
import sys

n = int(sys.argv[1])
out = ["services:"]
for i in range(n):
    out += [
        f"  svc{i}:",
        "    image: busybox:${TAG:-latest}",
        f'    command: ["httpd", "-f", "-p", "{8000 + i % 1000}"]',
        "    environment:",
        f"      SERVICE_INDEX: \"{i}\"",
        "      LOG_LEVEL: ${LOG_LEVEL:-info}",
        f"      PEER: svc{(i + 1) % n}",
        "    ports:",
        f'      - "127.0.0.1:{20000 + i}:80"',
        "    volumes:",
        f"      - data{i % 50}:/data",
        "      - ./site:/srv/www:ro",
        "    networks: [front, back]",
        "    labels:",
        f"      com.example.index: \"{i}\"",
        "      com.example.tier: web",
        "    healthcheck:",
        '      test: ["CMD", "true"]',
        "      interval: 10s",
        "      timeout: 2s",
        "      retries: 3",
        "    deploy:",
        "      resources:",
        "        limits:",
        "          memory: 64m",
        "          cpus: '0.5'",
    ]
    if i > 0:
        out += ["    depends_on:", f"      svc{(i - 1) // 10}:", "        condition: service_started"]
out += ["networks:", "  front: {}", "  back:", "    internal: true", "volumes:"]
out += [f"  data{j}: {{}}" for j in range(min(n, 50))]
print("\n".join(out))
