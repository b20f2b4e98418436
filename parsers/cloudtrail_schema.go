package parsers

import "github.com/apache/arrow-go/v18/arrow"

// dictString is the type of low-cardinality string columns: a few hundred
// distinct values per batch at most, so the engine evaluates predicates once
// per distinct value.
var dictString = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

func str(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true}
}

func dict(name string) arrow.Field {
	return arrow.Field{Name: name, Type: dictString, Nullable: true}
}

func structOf(name string, fields ...arrow.Field) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.StructOf(fields...), Nullable: true}
}

// CloudTrailSchema is the schema of the cloudtrail table: the columns of the
// CloudTrail table AWS documents for Athena, lowercase, in the order of the
// manual-partitioning DDL, plus [SourceColumn]. eventtime stays ISO-8601
// text as in Athena; requestparameters, responseelements,
// additionaleventdata, serviceeventdetails and edgedevicedetails hold the raw
// JSON text of the object; readonly holds 'true'/'false'. Low-cardinality
// strings are dictionary-encoded.
var CloudTrailSchema = arrow.NewSchema([]arrow.Field{
	dict("eventversion"),
	structOf("useridentity",
		dict("type"),
		str("principalid"),
		str("arn"),
		str("accountid"),
		str("invokedby"),
		str("accesskeyid"),
		str("username"),
		structOf("onbehalfof", str("userid"), str("identitystorearn")),
		structOf("sessioncontext",
			structOf("attributes", str("mfaauthenticated"), str("creationdate")),
			structOf("sessionissuer", str("type"), str("principalid"), str("arn"), str("accountid"), str("username")),
			str("ec2roledelivery"),
			structOf("webidfederationdata",
				str("federatedprovider"),
				arrow.Field{Name: "attributes", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
			),
		),
	),
	str("eventtime"),
	dict("eventsource"),
	dict("eventname"),
	dict("awsregion"),
	str("sourceipaddress"),
	str("useragent"),
	dict("errorcode"),
	str("errormessage"),
	str("requestparameters"),
	str("responseelements"),
	str("additionaleventdata"),
	str("requestid"),
	str("eventid"),
	{Name: "resources", Type: arrow.ListOf(arrow.StructOf(str("arn"), str("accountid"), str("type"))), Nullable: true},
	dict("eventtype"),
	str("apiversion"),
	dict("readonly"),
	dict("recipientaccountid"),
	str("serviceeventdetails"),
	str("sharedeventid"),
	str("vpcendpointid"),
	str("vpcendpointaccountid"),
	dict("eventcategory"),
	structOf("addendum", str("reason"), str("updatedfields"), str("originalrequestid"), str("originaleventid")),
	str("sessioncredentialfromconsole"),
	str("edgedevicedetails"),
	structOf("tlsdetails", str("tlsversion"), str("ciphersuite"), str("clientprovidedhostheader")),
	dict(SourceColumn),
}, nil)
