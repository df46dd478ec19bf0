package preflight_test

// A local stand-in for the AWS APIs the pre-flight calls. The real SDK
// clients talk to it over HTTP (BaseEndpoint, static credentials), so the
// requests and answers go through the SDK's own serializers; only the
// answers are written here, in each protocol's documented shape:
//
//   - awsQuery (RDS 2014-10-31, CloudFormation 2010-05-15, STS 2011-06-15):
//     a form POST with Action and Version; the answer is
//     <ActionResponse><ActionResult>...</ActionResult></ActionResponse>,
//     an error <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>
//     (the SDK's awsquery protocol reads the element "<Action>Result" and
//     resolves the error Code through each error shape's awsQueryError code);
//   - awsJson1_1 (ECR, Secrets Manager, CloudWatch Logs, SSM): a POST with
//     X-Amz-Target "<service>.<Action>"; an error is status 400 with
//     {"__type": "<shape>", "message": ...}; timestamps are epoch seconds;
//   - restJson1 (EKS): the operation's HTTP method and path, an error sets
//     X-Amzn-ErrorType; timestamps in bodies are epoch seconds;
//   - restXml (Route53): GET /2013-04-01/hostedzone/{Id}, an error is
//     <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>.
//
// The shapes come from the API references' "Response Syntax" and "Errors"
// (linked where each answer is built) and from the SDK's own models, which
// are what the clients parse: aws-sdk-go-v2 service/<name>/schemas/schemas.go
// (HTTP bindings such as EKS "GET /cluster-versions" with the query
// parameter clusterVersions, member and XML list-member names such as RDS
// <DBEngineVersions><DBEngineVersion>, awsQueryError codes such as RDS
// "DBInstanceNotFound"), service/route53/deserializers.go, and smithy-go
// v1.28.9 transport/http/protocol/{awsquery,awsjson,restjson1} (where the
// result element and the error code are read).
//
// Routes are keyed by X-Amz-Target, by Action, or by "METHOD /path"; a key
// ending in "/" matches every path under it.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// call is one request as the fake saw it.
type call struct {
	Key    string
	Path   string
	Params url.Values     // query protocol form, or the URL query
	JSON   map[string]any // awsJson body
}

// reply is one answer.
type reply struct {
	Status int
	Header map[string]string
	Body   string
}

type handler func(call) reply

type fakeAWS struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]handler
}

// newFakeAWS serves routes and returns an aws.Config whose clients talk to
// it: region from the environment, static credentials, no retries.
func newFakeAWS(t *testing.T, region string, routes map[string]handler) (*fakeAWS, aws.Config) {
	f := &fakeAWS{t: t, routes: routes}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint:     aws.String(srv.URL),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
	}
	return f, cfg
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := call{Path: r.URL.Path, Params: r.URL.Query()}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		c.Key = r.Header.Get("X-Amz-Target")
		if err := json.Unmarshal(body, &c.JSON); err != nil {
			f.t.Errorf("%s: body is not JSON: %v", c.Key, err)
		}
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			f.t.Errorf("query protocol body: %v", err)
		}
		c.Params = form
		c.Key = form.Get("Action")
	default:
		c.Key = r.Method + " " + r.URL.Path
	}
	f.mu.Lock()
	h := f.route(c.Key)
	f.mu.Unlock()
	if h == nil {
		f.t.Errorf("fake AWS: no route for %s (%s %s)", c.Key, r.Method, r.URL)
		w.WriteHeader(http.StatusNotImplemented)
		return
	}
	rep := h(c)
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	if rep.Status == 0 {
		rep.Status = http.StatusOK
	}
	w.WriteHeader(rep.Status)
	io.WriteString(w, rep.Body)
}

func (f *fakeAWS) route(key string) handler {
	if h, ok := f.routes[key]; ok {
		return h
	}
	var prefixes []string
	for k := range f.routes {
		if strings.HasSuffix(k, "/") && strings.HasPrefix(key, k) {
			prefixes = append(prefixes, k)
		}
	}
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	if len(prefixes) > 0 {
		return f.routes[prefixes[0]]
	}
	return nil
}

// queryNamespaces are the documented XML namespaces of the awsQuery
// services, by API version.
var queryNamespaces = map[string]string{
	"2014-10-31": "http://rds.amazonaws.com/doc/2014-10-31/",
	"2010-05-15": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
	"2011-06-15": "https://sts.amazonaws.com/doc/2011-06-15/",
}

// queryOK answers an awsQuery call with result inside <ActionResult>.
func queryOK(c call, result string) reply {
	action := c.Params.Get("Action")
	return reply{
		Header: map[string]string{"Content-Type": "text/xml"},
		Body: fmt.Sprintf(`<%[1]sResponse xmlns="%[2]s"><%[1]sResult>%[3]s</%[1]sResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></%[1]sResponse>`,
			action, queryNamespaces[c.Params.Get("Version")], result),
	}
}

// queryError answers an awsQuery call with the services' common error shape.
func queryError(status int, code, message string) handler {
	return func(c call) reply {
		return reply{
			Status: status,
			Header: map[string]string{"Content-Type": "text/xml"},
			Body: fmt.Sprintf(`<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>`,
				queryNamespaces[c.Params.Get("Version")], code, message),
		}
	}
}

func jsonReply(contentType string, v any) reply {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return reply{Header: map[string]string{"Content-Type": contentType}, Body: string(data)}
}

// awsJSON answers an awsJson1_1 call.
func awsJSON(v any) handler {
	return func(call) reply { return jsonReply("application/x-amz-json-1.1", v) }
}

// awsJSONError answers an awsJson1_1 call with an error shape.
func awsJSONError(typ, message string) handler {
	return func(call) reply {
		r := jsonReply("application/x-amz-json-1.1", map[string]string{"__type": typ, "message": message})
		r.Status = http.StatusBadRequest
		return r
	}
}

// restJSON answers a restJson1 call.
func restJSON(v any) handler {
	return func(call) reply { return jsonReply("application/json", v) }
}

// restJSONError answers a restJson1 call with an error shape.
func restJSONError(status int, typ, message string) handler {
	return func(call) reply {
		r := jsonReply("application/json", map[string]string{"message": message})
		r.Status = status
		r.Header["X-Amzn-ErrorType"] = typ
		return r
	}
}

// restXMLError answers a Route53 call with its error shape.
func restXMLError(status int, code, message string) handler {
	return func(call) reply {
		return reply{
			Status: status,
			Header: map[string]string{"Content-Type": "text/xml"},
			Body:   fmt.Sprintf(`<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>4a0a0ebe-6ef5-11e6-b0a9-EXAMPLE</RequestId></ErrorResponse>`, code, message),
		}
	}
}

func epoch(day string) int64 {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}
