# The four Connect As services and the connectas CLI in one image; docker-compose.yml picks the executable.
# Ubuntu noble ships librdkafka 2.3 and libssh2 1.11, the versions the suite needs (see DESIGN.md section 5).
FROM swift:6.1-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        librdkafka-dev libssh2-1-dev libpq-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Shared Shared
COPY Services Services
COPY Tools Tools
COPY Tests Tests
RUN swift build -c release --static-swift-stdlib \
        --product policy-service --product session-injector --product audit-writer --product notifier \
        --product connectas \
    && mkdir /out && cp "$(swift build -c release --show-bin-path)"/{policy-service,session-injector,audit-writer,notifier,connectas} /out/ \
    && cp -r "$(swift build -c release --show-bin-path)"/*.resources /out/ 2>/dev/null || true

FROM ubuntu:noble
RUN apt-get update && apt-get install -y --no-install-recommends \
        librdkafka1 libssh2-1t64 libpq5 libcurl4t64 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 connectas
COPY --from=build /out/ /usr/local/bin/
USER connectas
