// gokit-addsvc is Go kit's addsvc client and server, built from Go kit's own
// transports (github.com/go-kit/kit v0.10.0, as Debian packages it) with
// addsvc's codecs copied from github.com/go-kit/examples at e18c82e, so that
// test/interop/addsvc.gokit.test.ts can point Go kit's real client at our server
// and at Go kit's, and compare the answers.
//
//	gokit-addsvc client -http-addr H | -grpc-addr G | -jsonrpc-addr J | -thrift-addr T
//	    reads calls from stdin, one JSON array a line (["sum","1","2"],
//	    ["concat","a","b"]), and prints one JSON object a line:
//	    {"call": [...], "v": "3", "err": ""} (v as text for both methods).
//	    The Thrift client dials as addcli does by default: binary protocol,
//	    unbuffered, unframed.
//	gokit-addsvc server
//	    serves addsvc on HTTP, JSON-RPC, gRPC and Thrift (binary, unbuffered,
//	    unframed: addsvc's defaults), each on a free loopback port, and
//	    prints {"http": addr, "jsonrpc": addr, "grpc": addr, "thrift": addr}
//	    once all four listen; it runs until killed.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"

	addthrift "tskit/interop/gokit/gen-go/addsvc"
	"tskit/interop/gokit/pb"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: %s client|server [flags]", os.Args[0]))
	}
	switch os.Args[1] {
	case "client":
		client(os.Args[2:])
	case "server":
		server()
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "error: %v\n", err)
	os.Exit(1)
}

// client builds the one client the flags name, as addcli does, and runs the calls read from stdin.
func client(args []string) {
	fs := flag.NewFlagSet("client", flag.ExitOnError)
	var (
		httpAddr    = fs.String("http-addr", "", "HTTP address of addsvc")
		grpcAddr    = fs.String("grpc-addr", "", "gRPC address of addsvc")
		thriftAddr  = fs.String("thrift-addr", "", "Thrift address of addsvc")
		jsonRPCAddr = fs.String("jsonrpc-addr", "", "JSON RPC address of addsvc")
	)
	fs.Parse(args)
	var (
		svc Service
		err error
	)
	switch {
	case *httpAddr != "":
		svc, err = NewHTTPClient(*httpAddr)
	case *grpcAddr != "":
		conn, err := grpc.Dial(*grpcAddr, grpc.WithInsecure(), grpc.WithTimeout(time.Second))
		if err != nil {
			fail(err)
		}
		defer conn.Close()
		svc = NewGRPCClient(conn)
	case *jsonRPCAddr != "":
		svc, err = NewJSONRPCClient(*jsonRPCAddr)
	case *thriftAddr != "":
		socket, err := thrift.NewTSocket(*thriftAddr)
		if err != nil {
			fail(err)
		}
		transport, err := thrift.NewTTransportFactory().GetTransport(socket)
		if err != nil {
			fail(err)
		}
		if err := transport.Open(); err != nil {
			fail(err)
		}
		defer transport.Close()
		svc = NewThriftClient(addthrift.NewAddServiceClientFactory(transport, thrift.NewTBinaryProtocolFactoryDefault()))
	default:
		err = fmt.Errorf("no remote address specified")
	}
	if err != nil {
		fail(err)
	}
	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var call []string
		if err := json.Unmarshal(in.Bytes(), &call); err != nil || len(call) != 3 {
			fail(fmt.Errorf("bad call %q", in.Text()))
		}
		v, err := run(svc, call)
		answer := map[string]interface{}{"call": call, "v": v, "err": ""}
		if err != nil {
			answer["err"] = err.Error()
		}
		out.Encode(answer)
	}
}

// run makes one call the way addcli does: sum parses its arguments as integers.
func run(svc Service, call []string) (string, error) {
	ctx := context.Background()
	switch call[0] {
	case "sum":
		a, _ := strconv.ParseInt(call[1], 10, 64)
		b, _ := strconv.ParseInt(call[2], 10, 64)
		v, err := svc.Sum(ctx, int(a), int(b))
		return strconv.Itoa(v), err
	case "concat":
		return svc.Concat(ctx, call[1], call[2])
	}
	return "", fmt.Errorf("invalid method %q", call[0])
}

// server serves Go kit's addsvc on all four transports, as cmd/addsvc does, on free loopback ports.
func server() {
	endpoints := NewSet(NewBasicService())
	listen := func() net.Listener {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		return l
	}
	httpListener, jsonrpcListener, grpcListener := listen(), listen(), listen()
	go http.Serve(httpListener, NewHTTPHandler(endpoints))
	go http.Serve(jsonrpcListener, NewJSONRPCHandler(endpoints))
	baseServer := grpc.NewServer()
	pb.RegisterAddServer(baseServer, NewGRPCServer(endpoints))
	go baseServer.Serve(grpcListener)

	thriftSocket, err := thrift.NewTServerSocket("127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	thriftServer := thrift.NewTSimpleServer4(
		addthrift.NewAddServiceProcessor(NewThriftServer(endpoints)),
		thriftSocket,
		thrift.NewTTransportFactory(),
		thrift.NewTBinaryProtocolFactoryDefault(),
	)
	if err := thriftServer.Listen(); err != nil {
		fail(err)
	}
	go thriftServer.AcceptLoop()

	json.NewEncoder(os.Stdout).Encode(map[string]string{
		"http":    httpListener.Addr().String(),
		"jsonrpc": jsonrpcListener.Addr().String(),
		"grpc":    grpcListener.Addr().String(),
		"thrift":  thriftSocket.Addr().String(),
	})
	select {}
}
