package engine

import (
	"errors"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/parsers"
)

// Athena pushdown, part 2: CREATE EXTERNAL TABLE statements for the tables
// the rewritten SQL reads, with partition projection so no partition is
// ever added by hand. Columns come from the local schemas
// (parsers.CloudTrailSchema, parsers.VPCFlowSchema), so a query means the
// same on both engines; they are the columns of AWS's documented DDL
// (../shared/reference/athena-ddl.md). Partition columns never share a name
// with a data column (AWS's flow-log projection sample uses "region", which
// collides with the v4 region field).

// CloudTrailPartitions returns the partitions of the CloudTrail table
// [CloudTrailDDL] creates: the account and region folders and the delivery
// AthenaDDL generates a table's CREATE TABLE statement and the Athena
// table it declares.
type AthenaDDL func(AthenaDDLConfig) (string, AthenaTable, error)

// athenaDDLs are, per table name, the DDL generator and default partitions
// of the Athena table hunt declares for it.
var athenaDDLs = map[string]struct {
	ddl        AthenaDDL
	partitions func() AthenaPartitions
}{
	parsers.CloudTrail.Name: {CloudTrailDDL, CloudTrailPartitions},
	parsers.VPCFlow.Name:    {FlowDDL, func() AthenaPartitions { return FlowPartitions(FlowLayout{}) }},
	parsers.GuardDuty.Name:  {GuardDutyDDL, GuardDutyPartitions},
	parsers.Config.Name:     {ConfigDDL, ConfigPartitions},
}

// AthenaDDLOf returns the DDL generator of table, or nil when hunt
// declares no Athena table for it.
func AthenaDDLOf(table string) AthenaDDL {
	return athenaDDLs[table].ddl
}

// date.
func CloudTrailPartitions() AthenaPartitions {
	return AthenaPartitions{Account: "account", Region: "region", Date: "timestamp", DateFormat: "yyyy/MM/dd"}
}

// defaultFlowFields is AWS's default flow-log format (version 2).
const defaultFlowFields = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

// FlowColumns returns the data columns of the flow-log table [FlowDDL]
// declares for l: the fields of its text format in order (the 14 default
// ones when l.Fields is nil), or nil for Parquet, whose columns are read by
// name (every column).
func FlowColumns(l FlowLayout) ([]string, error) {
	if l.Parquet {
		if l.Fields != nil {
			return nil, errors.New("format: Parquet columns are read by name; a field list applies to text flow logs only")
		}
		return nil, nil
	}
	fields := l.Fields
	if fields == nil {
		fields = strings.Fields(defaultFlowFields)
	}
	var cols []string
	for _, f := range fields {
		col := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(f, "${"), "}"), "-", "_")
		if _, ok := parsers.VPCFlowSchema.FieldsByName(col); !ok || col == parsers.SourceColumn {
			return nil, errors.New("format: expected a flow-log field (version, account-id, ... reject-reason), found " + quoteFound(f))
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// FlowLayout is how flow logs are delivered: file format and S3 key layout.
// The zero value is AWS's default: text, daily folders
// (AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/).
type FlowLayout struct {
	// Parquet files (columns read by name) instead of text (positional).
	Parquet bool
	// Hive-compatible S3 prefixes: aws-account-id=…/aws-service=vpcflowlogs/aws-region=…/year=…/month=…/day=…/.
	Hive bool
	// Hourly partitions: an HH folder (hour=HH with Hive) under each day.
	Hourly bool
	// Fields is the flow log's format for text files, in order, as field
	// names ("version", "account-id", or "${account-id}"); nil is AWS's
	// default format (the 14 version-2 fields). Text columns are
	// positional, so they must match the log's format string exactly.
	Fields []string
}

// FlowPartitions returns the partitions of the flow-log table
// [FlowDDL] creates for layout.
func FlowPartitions(l FlowLayout) AthenaPartitions {
	p := AthenaPartitions{Account: "aws_account_id", Region: "aws_region"}
	switch {
	case l.Hive:
		p.HiveDate = true
	case l.Hourly:
		p.Date, p.DateFormat = "hour", "yyyy/MM/dd/HH"
	default:
		p.Date, p.DateFormat = "day", "yyyy/MM/dd"
	}
	return p
}

// AthenaDDLConfig says where the logs are and which tables to create.
type AthenaDDLConfig struct {
	// Location is the S3 prefix that holds AWSLogs/ ("s3://bucket/prefix/");
	// a location ending in AWSLogs/ is accepted too.
	Location string
	// Database holds the tables; "" is "hunt".
	Database string
	// Table is the table name; "" is "cloudtrail_logs" or "vpc_flow_logs".
	Table string
	// Org is the organization ID of an organization trail ("o-abc123"),
	// whose logs sit under AWSLogs/o-abc123/ACCOUNT/.
	Org string
	// Accounts are the account IDs whose logs the location holds; partition
	// projection enumerates them. Required.
	Accounts []string
	// Regions are the regions to project; nil is every commercial region.
	Regions []string
	// Since is the first delivery date projected ("2020/01/01" when "").
	Since string
	// NetworkActivity reads CloudTrail-NetworkActivity/ instead of CloudTrail/.
	NetworkActivity bool
	// Flow is the flow-log layout.
	Flow FlowLayout
	// PartitionNames renames partition columns, own name → the name to
	// declare ("timestamp" → "date_partition"), for teams whose tables
	// name them differently; queries then use --column-name. An own name
	// qualified by a table ("vpc_flow.day") applies to that table only,
	// and wins over the same name unqualified.
	PartitionNames map[string]string
}

// renamed applies c.PartitionNames to p, the partitions of table.
func (c *AthenaDDLConfig) renamed(table string, p AthenaPartitions) AthenaPartitions {
	for _, n := range []*string{&p.Account, &p.Region, &p.Date} {
		if *n == "" {
			continue
		}
		if to, ok := c.PartitionNames[table+"."+*n]; ok {
			*n = to
		} else if to, ok := c.PartitionNames[*n]; ok {
			*n = to
		}
	}
	return p
}

// awsRegions are the commercial AWS regions, the default region
// projection (a region without logs costs nothing: its prefixes are empty).
var awsRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
	"mx-central-1", "sa-east-1",
}

// check validates c and returns the prefix that holds AWSLogs/.
func (c *AthenaDDLConfig) check() (string, error) {
	loc, ok := strings.CutPrefix(c.Location, "s3://")
	if !ok || strings.Trim(loc, "/") == "" {
		return "", errors.New("location: expected s3://bucket[/prefix]/ (the prefix holding AWSLogs/), found " + quoteFound(c.Location))
	}
	loc = strings.TrimSuffix(strings.TrimRight(loc, "/"), "AWSLogs")
	loc = strings.TrimRight(loc, "/") + "/"
	if len(c.Accounts) == 0 {
		return "", errors.New("accounts: expected the account IDs whose logs the location holds (partition projection enumerates them), found none")
	}
	for _, a := range c.Accounts {
		if !isDigits(a, 12) {
			return "", errors.New("accounts: expected a 12-digit account ID, found " + quoteFound(a))
		}
	}
	if c.Org != "" && !strings.HasPrefix(c.Org, "o-") {
		return "", errors.New("org: expected an organization ID such as o-abc123, found " + quoteFound(c.Org))
	}
	for _, v := range append(append([]string{c.Database, c.Table, c.Since}, c.Accounts...), c.Regions...) {
		if strings.ContainsAny(v, "'`,${}") {
			return "", errors.New("expected no quotes, commas, '$' or braces in names, found " + quoteFound(v))
		}
	}
	return "s3://" + loc, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (c *AthenaDDLConfig) database() string {
	if c.Database == "" {
		return "hunt"
	}
	return c.Database
}

func (c *AthenaDDLConfig) regions() []string {
	if c.Regions == nil {
		return awsRegions
	}
	return c.Regions
}

// DatabaseDDL returns the CREATE DATABASE statement for the tables.
func (c *AthenaDDLConfig) DatabaseDDL() string {
	return "CREATE DATABASE IF NOT EXISTS `" + c.database() + "`;\n"
}

// CloudTrailDDL returns the CREATE EXTERNAL TABLE statement for CloudTrail
// logs under c.Location, partitioned by account, region and timestamp
// (yyyy/MM/dd) with partition projection, and the [AthenaTable] that
// [AthenaSQL] needs to query it.
func CloudTrailDDL(c AthenaDDLConfig) (string, AthenaTable, error) {
	base, err := c.check()
	if err != nil {
		return "", AthenaTable{}, err
	}
	name := c.Table
	if name == "" {
		name = "cloudtrail_logs"
	}
	root := base + "AWSLogs/"
	if c.Org != "" {
		root += c.Org + "/"
	}
	stream := "CloudTrail"
	if c.NetworkActivity {
		stream = "CloudTrail-NetworkActivity"
	}
	p := c.renamed("cloudtrail", CloudTrailPartitions())
	var b strings.Builder
	b.WriteString("CREATE EXTERNAL TABLE IF NOT EXISTS `" + c.database() + "`.`" + name + "` (\n")
	writeColumns(&b, parsers.CloudTrailSchema, nil)
	b.WriteString(")\nCOMMENT 'CloudTrail events (hunt athena ddl)'\n")
	b.WriteString("PARTITIONED BY (`" + p.Account + "` string, `" + p.Region + "` string, `" + p.Date + "` string)\n")
	b.WriteString("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n")
	b.WriteString("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n")
	b.WriteString("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	b.WriteString("LOCATION '" + root + "'\n")
	props := [][2]string{{"projection.enabled", "true"}}
	props = append(props, enumProjection(p.Account, c.Accounts)...)
	props = append(props, enumProjection(p.Region, c.regions())...)
	props = append(props, dateProjection(p.Date, p.DateFormat, c.Since, "DAYS")...)
	props = append(props, [2]string{"storage.location.template",
		root + "${" + p.Account + "}/" + stream + "/${" + p.Region + "}/${" + p.Date + "}"})
	writeProps(&b, props)
	return b.String(), AthenaTable{Database: c.database(), Name: name, Partitions: p}, nil
}

// FlowDDL returns the CREATE EXTERNAL TABLE statement for VPC flow logs
// under c.Location in layout c.Flow, with partition projection, and the
// [AthenaTable] that [AthenaSQL] needs to query it.
func FlowDDL(c AthenaDDLConfig) (string, AthenaTable, error) {
	base, err := c.check()
	if err != nil {
		return "", AthenaTable{}, err
	}
	l := c.Flow
	name := c.Table
	if name == "" {
		name = "vpc_flow_logs"
	}
	cols, err := FlowColumns(l)
	if err != nil {
		return "", AthenaTable{}, err
	}
	p := c.renamed("vpc_flow", FlowPartitions(l))
	root := base + "AWSLogs/"
	flowCols := cols // what the table declares, for [CheckAthenaColumns]
	var b strings.Builder
	b.WriteString("CREATE EXTERNAL TABLE IF NOT EXISTS `" + c.database() + "`.`" + name + "` (\n")
	writeColumns(&b, parsers.VPCFlowSchema, cols)
	b.WriteString(")\nCOMMENT 'VPC flow logs (hunt athena ddl)'\n")
	b.WriteString("PARTITIONED BY (`" + p.Account + "` string, `" + p.Region + "` string, ")
	if p.HiveDate {
		b.WriteString("`year` string, `month` string, `day` string")
		if l.Hourly {
			b.WriteString(", `hour` string")
		}
	} else {
		b.WriteString("`" + p.Date + "` string")
	}
	b.WriteString(")\n")
	if l.Parquet {
		b.WriteString("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n")
		b.WriteString("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'\n")
		b.WriteString("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'\n")
	} else {
		b.WriteString("ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '\n")
	}
	b.WriteString("LOCATION '" + root + "'\n")
	var props [][2]string
	if !l.Parquet {
		props = append(props, [2]string{"skip.header.line.count", "1"})
	}
	props = append(props, [2]string{"projection.enabled", "true"})
	props = append(props, enumProjection(p.Account, c.Accounts)...)
	props = append(props, enumProjection(p.Region, c.regions())...)
	var tmpl string
	if p.HiveDate {
		props = append(props, dateProjection("year", "yyyy", yearOf(c.Since), "YEARS")...)
		props = append(props, intProjection("month", 1, 12)...)
		props = append(props, intProjection("day", 1, 31)...)
		tmpl = root + "aws-account-id=${" + p.Account + "}/aws-service=vpcflowlogs/aws-region=${" + p.Region +
			"}/year=${year}/month=${month}/day=${day}"
		if l.Hourly {
			props = append(props, intProjection("hour", 0, 23)...)
			tmpl += "/hour=${hour}"
		}
	} else {
		unit := "DAYS"
		if l.Hourly {
			unit = "HOURS"
		}
		props = append(props, dateProjection(p.Date, p.DateFormat, c.Since, unit)...)
		tmpl = root + "${" + p.Account + "}/vpcflowlogs/${" + p.Region + "}/${" + p.Date + "}"
	}
	props = append(props, [2]string{"storage.location.template", tmpl})
	writeProps(&b, props)
	return b.String(), AthenaTable{Database: c.database(), Name: name, Partitions: p, Columns: flowCols}, nil
}

func yearOf(since string) string {
	if len(since) >= 4 {
		return since[:4]
	}
	return ""
}

func enumProjection(col string, values []string) [][2]string {
	return [][2]string{
		{"projection." + col + ".type", "enum"},
		{"projection." + col + ".values", strings.Join(values, ",")},
	}
}

// dateProjection projects col as dates in format from since (in
// yyyy/MM/dd form, "2020/01/01" when "") to NOW.
func dateProjection(col, format, since, unit string) [][2]string {
	if since == "" {
		since = "2020/01/01"
	}
	start := since
	switch format {
	case "yyyy":
		start = yearOf(since)
		if start == "" {
			start = "2020"
		}
	case "yyyy/MM/dd/HH":
		start = since + "/00"
	}
	return [][2]string{
		{"projection." + col + ".type", "date"},
		{"projection." + col + ".format", format},
		{"projection." + col + ".interval", "1"},
		{"projection." + col + ".interval.unit", unit},
		{"projection." + col + ".range", start + ",NOW"},
	}
}

func intProjection(col string, lo, hi int) [][2]string {
	return [][2]string{
		{"projection." + col + ".type", "integer"},
		{"projection." + col + ".range", itoa(int64(lo)) + "," + itoa(int64(hi))},
		{"projection." + col + ".digits", "2"},
	}
}

func writeProps(b *strings.Builder, props [][2]string) {
	b.WriteString("TBLPROPERTIES (\n")
	for i, p := range props {
		b.WriteString("  '" + p[0] + "'='" + p[1] + "'")
		if i < len(props)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(");\n")
}

// writeColumns writes the columns of schema (only cols, in their order,
// when cols is not nil), one per line, without SourceColumn.
func writeColumns(b *strings.Builder, schema *arrow.Schema, cols []string) {
	var fields []arrow.Field
	if cols == nil {
		for _, f := range schema.Fields() {
			if f.Name != parsers.SourceColumn {
				fields = append(fields, f)
			}
		}
	} else {
		for _, c := range cols {
			i := schema.FieldIndices(c)
			fields = append(fields, schema.Field(i[0]))
		}
	}
	for i, f := range fields {
		b.WriteString("  `" + f.Name + "` " + hiveType(f.Type))
		if i < len(fields)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
}

// hiveType is the DDL type of an Arrow type of the local schemas.
func hiveType(t arrow.DataType) string {
	switch x := t.(type) {
	case *arrow.DictionaryType:
		return hiveType(x.ValueType)
	case *arrow.Int32Type:
		return "int"
	case *arrow.Int64Type:
		return "bigint"
	case *arrow.Float64Type:
		return "double"
	case *arrow.BooleanType:
		return "boolean"
	case *arrow.StructType:
		parts := make([]string, len(x.Fields()))
		for i, f := range x.Fields() {
			parts[i] = f.Name + ":" + hiveType(f.Type)
		}
		return "struct<" + strings.Join(parts, ", ") + ">"
	case *arrow.ListType:
		return "array<" + hiveType(x.Elem()) + ">"
	case *arrow.MapType:
		return "map<" + hiveType(x.KeyType()) + "," + hiveType(x.ItemType()) + ">"
	}
	return "string"
}

// GuardDutyPartitions returns the partitions of the GuardDuty table
// [GuardDutyDDL] creates: the account and region folders and the export
// date. GuardDuty exports updated findings up to 6 hours after the
// update, hence the delivery lag.
func GuardDutyPartitions() AthenaPartitions {
	return AthenaPartitions{Account: "aws_account_id", Region: "aws_region", Date: "day", DateFormat: "yyyy/MM/dd", DeliveryLag: 7 * time.Hour}
}

// GuardDutyDDL returns the CREATE EXTERNAL TABLE statement for GuardDuty
// findings exported under c.Location (AWSLogs/ACCOUNT/GuardDuty/REGION/
// YYYY/MM/DD/), with the columns of AWS's documented gd_logs table and
// partition projection, and the [AthenaTable] that [AthenaSQL] needs to
// query it. The exports are KMS-encrypted: the table says
// has_encrypted_data, and Athena's role needs kms:Decrypt on the key.
func GuardDutyDDL(c AthenaDDLConfig) (string, AthenaTable, error) {
	base, err := c.check()
	if err != nil {
		return "", AthenaTable{}, err
	}
	name := c.Table
	if name == "" {
		name = parsers.GuardDuty.AthenaNames[0]
	}
	root := base + "AWSLogs/"
	p := GuardDutyPartitions()
	var b strings.Builder
	b.WriteString("CREATE EXTERNAL TABLE IF NOT EXISTS `" + c.database() + "`.`" + name + "` (\n")
	writeColumns(&b, parsers.GuardDutySchema, nil)
	b.WriteString(")\nCOMMENT 'GuardDuty findings (hunt athena ddl)'\n")
	b.WriteString("PARTITIONED BY (`" + p.Account + "` string, `" + p.Region + "` string, `" + p.Date + "` string)\n")
	b.WriteString("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n")
	b.WriteString("LOCATION '" + root + "'\n")
	props := [][2]string{{"has_encrypted_data", "true"}, {"projection.enabled", "true"}}
	props = append(props, enumProjection(p.Account, c.Accounts)...)
	props = append(props, enumProjection(p.Region, c.regions())...)
	props = append(props, dateProjection(p.Date, p.DateFormat, c.Since, "DAYS")...)
	props = append(props, [2]string{"storage.location.template",
		root + "${" + p.Account + "}/GuardDuty/${" + p.Region + "}/${" + p.Date + "}"})
	writeProps(&b, props)
	return b.String(), AthenaTable{Database: c.database(), Name: name, Partitions: p}, nil
}

// ConfigPartitions returns the partitions of the view [ConfigDDL] creates:
// account and region. Config's date folders have no leading zeros
// (2024/3/5), which do not compare as strings in time order, so no date
// predicate is pushed down (the table has the day partition all the same).
func ConfigPartitions() AthenaPartitions {
	return AthenaPartitions{Account: "aws_account_id", Region: "aws_region"}
}

// ConfigDDL returns the statements for AWS Config history and snapshot
// files under c.Location (AWSLogs/ACCOUNT/Config/REGION/YYYY/M/D/): the
// table of AWS's documented shape, one row per file with the
// configurationitems array (named NAME_files), and the view NAME that
// unnests it into one row per configuration item with the columns of the
// local config table, so a hunt reads the same columns on both engines.
// It returns the view as the [AthenaTable].
func ConfigDDL(c AthenaDDLConfig) (string, AthenaTable, error) {
	base, err := c.check()
	if err != nil {
		return "", AthenaTable{}, err
	}
	name := c.Table
	if name == "" {
		name = parsers.Config.AthenaNames[0]
	}
	files := name + "_files"
	root := base + "AWSLogs/"
	p := ConfigPartitions()
	const day = "day"
	var item []string
	var cols []string
	for _, f := range parsers.ConfigSchema.Fields() {
		if f.Name == parsers.SourceColumn {
			continue
		}
		item = append(item, f.Name+":"+hiveType(f.Type))
		cols = append(cols, "ci."+f.Name+" AS "+f.Name)
	}
	var b strings.Builder
	b.WriteString("CREATE EXTERNAL TABLE IF NOT EXISTS `" + c.database() + "`.`" + files + "` (\n")
	b.WriteString("  `fileversion` string,\n  `configsnapshotid` string,\n")
	b.WriteString("  `configurationitems` array<struct<" + strings.Join(item, ", ") + ">>\n")
	b.WriteString(")\nCOMMENT 'AWS Config history and snapshot files (hunt athena ddl)'\n")
	b.WriteString("PARTITIONED BY (`" + p.Account + "` string, `" + p.Region + "` string, `" + day + "` string)\n")
	b.WriteString("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n")
	b.WriteString("LOCATION '" + root + "'\n")
	props := [][2]string{{"projection.enabled", "true"}}
	props = append(props, enumProjection(p.Account, c.Accounts)...)
	props = append(props, enumProjection(p.Region, c.regions())...)
	props = append(props, dateProjection(day, "yyyy/M/d", c.Since, "DAYS")...)
	props = append(props, [2]string{"storage.location.template",
		root + "${" + p.Account + "}/Config/${" + p.Region + "}/${" + day + "}"})
	writeProps(&b, props)
	b.WriteString("\nCREATE OR REPLACE VIEW \"" + c.database() + "\".\"" + name + "\" AS\n")
	b.WriteString("SELECT " + strings.Join(cols, ",\n       ") + ",\n")
	b.WriteString("       \"$path\" AS \"$path\", " + p.Account + ", " + p.Region + ", " + day + "\n")
	b.WriteString("FROM \"" + c.database() + "\".\"" + files + "\"\n")
	b.WriteString("CROSS JOIN UNNEST(configurationitems) AS t (ci);\n")
	return b.String(), AthenaTable{Database: c.database(), Name: name, Partitions: p}, nil
}
