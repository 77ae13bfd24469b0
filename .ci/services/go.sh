#!/usr/bin/env bash
# The Go toolchain and Go kit's sources (Debian packages; no daemon) for the
# interop test (test/interop/addsvc.gokit.test.ts), which builds Go kit's own addsvc
# client and server offline, in GOPATH mode against /usr/share/gocode:
# golang-go (1.19), golang-github-go-kit-kit-dev (Go kit 0.10.0, the version
# go-kit/examples pins), golang-google-grpc-dev, golang-google-protobuf-dev,
# golang-thrift-dev and thrift-compiler (the same Thrift, 0.17, for the
# generated code and its library).
#   start  does nothing if all are present; else installs the missing packages.
#   stop   does nothing: there is no process, and the packages stay.
set -euo pipefail
packages=(golang-go golang-github-go-kit-kit-dev golang-google-grpc-dev golang-google-protobuf-dev golang-thrift-dev thrift-compiler)
present() {
  command -v go >/dev/null && command -v thrift >/dev/null &&
    [ -d /usr/share/gocode/src/github.com/go-kit/kit/transport/http/jsonrpc ] &&
    [ -d /usr/share/gocode/src/google.golang.org/grpc ] &&
    [ -d /usr/share/gocode/src/github.com/apache/thrift/lib/go/thrift ]
}

case "${1:-}" in
start)
  if present; then echo "go: $(go version | cut -d' ' -f3), Go kit sources and Thrift already installed"; exit 0; fi
  if command -v flock >/dev/null; then
    flock /tmp/apt.lock apt-get install -y --no-install-recommends "${packages[@]}" >/tmp/tskit-go-apt.log 2>&1 || { tail -20 /tmp/tskit-go-apt.log >&2; exit 1; }
  else
    apt-get install -y --no-install-recommends "${packages[@]}" >/tmp/tskit-go-apt.log 2>&1 || { tail -20 /tmp/tskit-go-apt.log >&2; exit 1; }
  fi
  if present; then echo "go: installed $(go version | cut -d' ' -f3), Go kit sources and Thrift"; exit 0; fi
  echo "go: packages installed but the toolchain or sources are still missing" >&2
  exit 1
  ;;
stop)
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
