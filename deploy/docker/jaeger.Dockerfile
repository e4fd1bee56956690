# The tracing backend image: the official Jaeger v2 image, pinned, with msa-board's Jaeger config
# (observability/jaeger.yaml: Badger storage, the same ports and retention as `npm start`) in the
# container form deploy/ derives from it (listeners on JAEGER_LISTEN_HOST, which this image sets
# to 0.0.0.0). Build from the repository root:
#   docker build -f deploy/docker/jaeger.Dockerfile -t msa-board/jaeger:dev .
# Kubernetes runs the same official image with the same file from a ConfigMap (deploy/k8s/base/jaeger).
FROM busybox:1.37 AS badger-dir
RUN mkdir -p /badger

FROM jaegertracing/jaeger:2.13.0

COPY --chown=root:root --chmod=0444 deploy/k8s/base/jaeger/jaeger.yaml /etc/jaeger/jaeger.yaml
# Badger's directory, owned by the image's unprivileged user, so a fresh named volume mounted
# here is writable by it (Docker copies the ownership into an empty volume).
COPY --from=badger-dir --chown=10001:10001 /badger /badger

ENV JAEGER_LISTEN_HOST=0.0.0.0 \
    JAEGER_DATA_DIR=/badger

# OTLP gRPC, OTLP HTTP, query UI/API, health.
EXPOSE 4317 4318 16686 13133

USER 10001:10001

CMD ["--config", "/etc/jaeger/jaeger.yaml"]
