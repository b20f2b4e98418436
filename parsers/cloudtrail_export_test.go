package parsers

// SetUseIndex turns the CloudTrail reader's indexed fast path on or off,
// for the external benchmarks that compare it with the byte-level path.
func SetUseIndex(r *CloudTrailReader, on bool) { r.useIndex = on }
