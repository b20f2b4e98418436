-- id: config_ebs_volume_unencrypted
-- title: EBS volume recorded by AWS Config as unencrypted
-- severity: MEDIUM
-- table: config
-- tactics: TA0009
-- techniques: T1530
-- resource: volume
-- resource_type: AwsEc2Volume
-- account: account
-- region: region
-- time: capturetime
-- dedup: account, volume
-- window: 24h
-- evidence: capturetime, volume, status, availability_zone, size, snapshot, attachments
-- description: A configuration item of an EBS volume (AWS Config history or snapshot) says
--   encrypted false: data at rest without KMS encryption, readable by anyone who can snapshot and
--   share the volume. New volumes are unencrypted only when EBS encryption by default is off in the
--   region. Benign look-alike: an encrypted volume, and the item that records a volume's deletion,
--   are not reported.
--   Dedup: one finding per account, volume per day.
-- remediation: Turn on EBS encryption by default (ec2 enable-ebs-encryption-by-default) in every
--   region; replace the volume with an encrypted copy (snapshot, copy-snapshot --encrypted, create
--   volume) and delete the unencrypted one.
-- references: https://docs.aws.amazon.com/config/latest/developerguide/encrypted-volumes.html
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html

SELECT configurationitemcapturetime AS capturetime, awsaccountid AS account, awsregion AS region,
       resourceid AS volume, configurationitemstatus AS status, availabilityzone AS availability_zone,
       json_extract_scalar(configuration, '$.size') AS size,
       json_extract_scalar(configuration, '$.snapshotId') AS snapshot,
       json_format(json_extract(configuration, '$.attachments')) AS attachments,
       "$path"
FROM config
WHERE resourcetype = 'AWS::EC2::Volume'
  AND configurationitemstatus IN ('OK', 'ResourceDiscovered')
  AND json_extract_scalar(configuration, '$.encrypted') = 'false'
