package archive

import "testing"

var keySink Key

func BenchmarkParseKey(b *testing.B) {
	for _, bc := range []struct{ name, key string }{
		{"cloudtrail", "trail/AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0010Z_Mu0KsOhtH1ar15ZZ.json.gz"},
		{"hive", "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-gov-east-1/year=2024/month=03/day=05/hour=23/f.log.parquet"},
		{"filename", "downloads/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.key)))
			b.ReportAllocs()
			for b.Loop() {
				keySink = ParseKey(bc.key)
			}
		})
	}
}
