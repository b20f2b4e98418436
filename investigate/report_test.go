package investigate

import (
	"slices"
	"testing"
)

func TestResourcesOf(t *testing.T) {
	for _, tc := range []struct {
		params string
		want   []string
	}{
		{``, nil},
		{`null`, nil},
		{`not json`, nil},
		{`{"bucketName":"b","key":"k/x.txt","Host":"b.s3.amazonaws.com"}`, []string{"b/k/x.txt"}},
		{`{"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"}]},"maxResults":5,"nextToken":"t"}`, []string{"i-1", "i-2"}},
		{`{"roleArn":"arn:aws:iam::1:role/r","roleSessionName":"s","externalId":"e"}`, []string{"arn:aws:iam::1:role/r"}},
		{`{"userName":"backdoor"}`, []string{"backdoor"}},
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`, []string{"sg-1"}},
	} {
		if got := resourcesOf(tc.params); !slices.Equal(got, tc.want) {
			t.Errorf("resourcesOf(%s) = %q, want %q", tc.params, got, tc.want)
		}
	}
}

func TestAccessOf(t *testing.T) {
	for name, want := range map[string]string{
		"GetObject": "read", "ListBuckets": "read", "DescribeInstances": "read", "HeadObject": "read",
		"CreateUser": "created", "RunInstances": "created", "PutObject": "created",
		"DeleteObject": "changed", "AssumeRole": "changed", "ModifyInstanceAttribute": "changed", "UpdateTrail": "changed",
	} {
		if got := AccessOf(name); got != want {
			t.Errorf("AccessOf(%s) = %s, want %s", name, got, want)
		}
	}
}

func TestAppendARNs(t *testing.T) {
	got := appendARNs([]string{"a"}, []any{"a", "b", nil, ""})
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("appendARNs = %q", got)
	}
}
