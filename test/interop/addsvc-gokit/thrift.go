// Go kit's addsvc over Thrift, copied from github.com/go-kit/examples
// (addsvc/pkg/addtransport/thrift.go at e18c82e). The generated package
// (gen-go/addsvc) is made at build time by Debian's thrift compiler from
// src/transports/addsvc/addsvc.thrift, Go kit's IDL verbatim, so it matches
// the Thrift Go library it is built against. Left out: the client's rate
// limiter and circuit breakers (policy, not wire). As in Go kit, the client
// reads only the transport error: a business error in the reply's err field
// is not looked at (MakeThriftSumEndpoint below).

package main

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	addthrift "tskit/interop/gokit/gen-go/addsvc"
)

type thriftServer struct {
	endpoints Set
}

// NewThriftServer makes endpoints available as a Thrift service.
func NewThriftServer(endpoints Set) addthrift.AddService {
	return &thriftServer{
		endpoints: endpoints,
	}
}

func (s *thriftServer) Sum(ctx context.Context, a int64, b int64) (*addthrift.SumReply, error) {
	request := SumRequest{A: int(a), B: int(b)}
	response, err := s.endpoints.SumEndpoint(ctx, request)
	if err != nil {
		return nil, err
	}
	resp := response.(SumResponse)
	return &addthrift.SumReply{Value: int64(resp.V), Err: err2str(resp.Err)}, nil
}

func (s *thriftServer) Concat(ctx context.Context, a string, b string) (*addthrift.ConcatReply, error) {
	request := ConcatRequest{A: a, B: b}
	response, err := s.endpoints.ConcatEndpoint(ctx, request)
	if err != nil {
		return nil, err
	}
	resp := response.(ConcatResponse)
	return &addthrift.ConcatReply{Value: resp.V, Err: err2str(resp.Err)}, nil
}

// NewThriftClient returns an AddService backed by a Thrift server described by
// the provided client. The caller is responsible for constructing the client,
// and eventually closing the underlying transport.
func NewThriftClient(client *addthrift.AddServiceClient) Service {
	return Set{
		SumEndpoint:    MakeThriftSumEndpoint(client),
		ConcatEndpoint: MakeThriftConcatEndpoint(client),
	}
}

// MakeThriftSumEndpoint returns an endpoint that invokes the passed Thrift client.
// Useful only in clients, and only until a proper transport/thrift.Client exists.
func MakeThriftSumEndpoint(client *addthrift.AddServiceClient) endpoint.Endpoint {
	return func(ctx context.Context, request interface{}) (interface{}, error) {
		req := request.(SumRequest)
		reply, err := client.Sum(ctx, int64(req.A), int64(req.B))
		if err == ErrIntOverflow {
			return nil, err // special case; see comment on ErrIntOverflow
		}
		return SumResponse{V: int(reply.Value), Err: err}, nil
	}
}

// MakeThriftConcatEndpoint returns an endpoint that invokes the passed Thrift
// client. Useful only in clients, and only until a proper
// transport/thrift.Client exists.
func MakeThriftConcatEndpoint(client *addthrift.AddServiceClient) endpoint.Endpoint {
	return func(ctx context.Context, request interface{}) (interface{}, error) {
		req := request.(ConcatRequest)
		reply, err := client.Concat(ctx, req.A, req.B)
		return ConcatResponse{V: reply.Value, Err: err}, nil
	}
}
