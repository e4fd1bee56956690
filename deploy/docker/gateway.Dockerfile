# The gateway image: the official Envoy image, pinned, with the container config rendered from
# gateway/src (containerGatewayOptions → gateway/envoy.yaml). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t msa-board/gateway:dev .
# Kubernetes runs the same official image with the same file from a ConfigMap (deploy/k8s/base/gateway).
FROM envoyproxy/envoy:v1.40.0

COPY --chown=root:root --chmod=0444 gateway/envoy.yaml /etc/envoy/envoy.yaml
# The monolith shape's config (containerMonolithGatewayOptions: every API cluster → monolith:3000), so
# one image serves both shapes: compose.monolith.yaml runs it with `-c /etc/envoy/envoy.monolith.yaml`.
COPY --chown=root:root --chmod=0444 gateway/envoy.monolith.yaml /etc/envoy/envoy.monolith.yaml

# The public door, TLS only (the certificate is mounted from a Secret at /etc/msa-board/tls); the
# admin listener (9901) is bound to 127.0.0.1 inside the container.
EXPOSE 8443

# The image's own unprivileged account: the entrypoint then runs Envoy directly, no privilege drop needed.
USER envoy

# The flags of gateway/src/command.ts (envoyArgs): one worker thread by default — Envoy would otherwise
# start one per core of the host, not of the container. More cores for the gateway: raise --concurrency.
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml", "--disable-hot-restart", "--concurrency", "1", "--log-level", "warn", "--service-node", "gateway", "--service-cluster", "gateway"]
