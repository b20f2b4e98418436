package parsers

import "github.com/apache/arrow-go/v18/arrow"

// flowInt32 and flowInt64 are the nullable integer columns of flow logs.
func flowInt32(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int32, Nullable: true}
}

func flowInt64(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64, Nullable: true}
}

// VPCFlowSchema is the schema of the vpc_flow table: every flow-log field
// from version 2 to version 8 under the column name AWS documents for Athena
// (the field name with '-' turned into '_'), with the Athena types (protocol
// is bigint as in AWS's DDL although Parquet stores it as INT_32), in the
// order of AWS's DDL followed by the v7 ECS fields and v8 reject_reason, plus
// [SourceColumn] last.
//
// Every column is nullable: a '-' in a flow-log line, and a field the file's
// format does not carry, is null, never "" or 0. action, log_status and
// flow_direction are dictionary-encoded.
//
// Readers may append columns for header fields this schema does not know
// (newer flow-log versions); see [VPCFlowReader].
var VPCFlowSchema = arrow.NewSchema([]arrow.Field{
	// v2, the default format, in its order.
	flowInt32("version"),
	str("account_id"),
	str("interface_id"),
	str("srcaddr"),
	str("dstaddr"),
	flowInt32("srcport"),
	flowInt32("dstport"),
	flowInt64("protocol"),
	flowInt64("packets"),
	flowInt64("bytes"),
	flowInt64("start"),
	flowInt64("end"),
	dict("action"),
	dict("log_status"),
	// v3
	str("vpc_id"),
	str("subnet_id"),
	str("instance_id"),
	flowInt32("tcp_flags"),
	str("type"),
	str("pkt_srcaddr"),
	str("pkt_dstaddr"),
	// v4
	str("region"),
	str("az_id"),
	str("sublocation_type"),
	str("sublocation_id"),
	// v5
	str("pkt_src_aws_service"),
	str("pkt_dst_aws_service"),
	dict("flow_direction"),
	flowInt32("traffic_path"),
	// v7
	str("ecs_cluster_arn"),
	str("ecs_cluster_name"),
	str("ecs_container_instance_arn"),
	str("ecs_container_instance_id"),
	str("ecs_container_id"),
	str("ecs_second_container_id"),
	str("ecs_service_name"),
	str("ecs_task_definition_arn"),
	str("ecs_task_arn"),
	str("ecs_task_id"),
	// v8
	str("reject_reason"),
	dict(SourceColumn),
}, nil)

// VPCFlowResourceColumns are the text columns of [VPCFlowSchema] that name
// the resources and places a flow log's lines come from (the account, the
// network interface and its VPC, subnet, instance, zone, ECS task...):
// their values repeat on every line of one network interface, a few dozen
// per file. [WithFlowDictionaries] builds them dictionary-encoded. The
// addresses, which take a different value on nearly every line, are not
// among them.
var VPCFlowResourceColumns = []string{
	"account_id", "interface_id", "vpc_id", "subnet_id", "instance_id", "type",
	"region", "az_id", "sublocation_type", "sublocation_id",
	"pkt_src_aws_service", "pkt_dst_aws_service",
	"ecs_cluster_arn", "ecs_cluster_name", "ecs_container_instance_arn", "ecs_container_instance_id",
	"ecs_container_id", "ecs_second_container_id", "ecs_service_name", "ecs_task_definition_arn",
	"ecs_task_arn", "ecs_task_id", "reject_reason",
}
