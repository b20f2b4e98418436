-- id: config_s3_public_access_block_off
-- title: S3 bucket recorded by AWS Config without a full public access block
-- severity: MEDIUM
-- table: config
-- tactics: TA0010, TA0005
-- techniques: T1530, T1562
-- resource: bucket
-- resource_type: AwsS3Bucket
-- account: account
-- region: region
-- time: capturetime
-- dedup: account, bucket
-- window: 24h
-- evidence: capturetime, bucket, status, block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets
-- description: A configuration item of an S3 bucket (AWS Config history or snapshot) has no
--   bucket-level PublicAccessBlockConfiguration in its supplementary configuration, or one with a
--   setting other than true: nothing at the bucket stops a public ACL or policy. An account-level
--   block (s3control) may still cover the bucket; check it before acting. Benign look-alike: a
--   bucket whose four settings are all true is not reported.
--   Dedup: one finding per account, bucket per day.
-- remediation: Put a public access block on the bucket (s3api put-public-access-block with all four
--   settings true) or on the account; review the bucket's ACL and policy for public grants.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
-- references: https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html

WITH buckets AS (
  SELECT configurationitemcapturetime AS capturetime, awsaccountid AS account, awsregion AS region,
         resourceid AS bucket, configurationitemstatus AS status,
         element_at(supplementaryconfiguration, 'PublicAccessBlockConfiguration') AS pab,
         "$path"
  FROM config
  WHERE resourcetype = 'AWS::S3::Bucket'
    AND configurationitemstatus IN ('OK', 'ResourceDiscovered')
)
SELECT capturetime, account, region, bucket, status,
       json_extract_scalar(pab, '$.blockPublicAcls') AS block_public_acls,
       json_extract_scalar(pab, '$.ignorePublicAcls') AS ignore_public_acls,
       json_extract_scalar(pab, '$.blockPublicPolicy') AS block_public_policy,
       json_extract_scalar(pab, '$.restrictPublicBuckets') AS restrict_public_buckets,
       "$path"
FROM buckets
WHERE coalesce(json_extract_scalar(pab, '$.blockPublicAcls'), 'false') <> 'true'
   OR coalesce(json_extract_scalar(pab, '$.ignorePublicAcls'), 'false') <> 'true'
   OR coalesce(json_extract_scalar(pab, '$.blockPublicPolicy'), 'false') <> 'true'
   OR coalesce(json_extract_scalar(pab, '$.restrictPublicBuckets'), 'false') <> 'true'
