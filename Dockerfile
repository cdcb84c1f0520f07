# RunPod serverless image for rvc-nano: `rvc worker` on a CUDA runtime base (docs/gpu.md).
# The worker picks cuda:0 and fp16 by default (--device auto, --precision auto); pass e.g.
# `rvc worker --precision bf16` as the command to change that.
#
# Build (on a machine with a Docker engine; the development machines of this project have none):
#   docker build -t rvc-nano-worker .
# Use an existing LibTorch folder instead of the pinned PyPI wheel:
#   docker build --build-arg LIBTORCH_DIR=/opt/libtorch ... (the folder must be in the build context)

# ---- build stage: Swift toolchain, C libraries, LibTorch with CUDA, release binary, assets ----
FROM swift:6.3-noble AS build
ARG LIBTORCH_DIR=
ENV RVC_CACHE_DIR=/opt/rvc-nano/cache
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv python3-pip sudo && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Debian packages, LibTorch (the torch wheel with its CUDA libraries, or LIBTORCH_DIR), pkg-config
# file and loader registration.
RUN LIBTORCH_DIR="$LIBTORCH_DIR" Scripts/bootstrap --cuda
RUN swift build -c release --product rvc --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/rvc" /opt/rvc-nano/bin/rvc
# The shared networks, verified against their pinned SHA-256.
RUN /opt/rvc-nano/bin/rvc assets download --dir /opt/rvc-nano/assets
# Gather LibTorch and the NVIDIA wheel libraries it links into one folder for the runtime stage.
RUN mkdir -p /opt/rvc-nano/lib \
    && for d in $(cat /etc/ld.so.conf.d/rvc-nano-libtorch.conf); do cp -a "$d"/*.so* /opt/rvc-nano/lib/; done

# ---- runtime stage ----
FROM nvidia/cuda:13.0.1-runtime-ubuntu24.04
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsndfile1 libopus0 libopusfile0 libopusenc0 libcurl4t64 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/rvc-nano/bin/rvc /usr/local/bin/rvc
COPY --from=build /opt/rvc-nano/lib /opt/rvc-nano/lib
COPY --from=build /opt/rvc-nano/assets /opt/rvc-nano/assets
RUN echo /opt/rvc-nano/lib > /etc/ld.so.conf.d/rvc-nano.conf && ldconfig
ENV RVC_ASSETS=/opt/rvc-nano/assets \
    RVC_CACHE_DIR=/tmp/rvc-nano-cache \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
COPY test_input.json /test_input.json
WORKDIR /
CMD ["rvc", "worker"]
