-- id: ec2_block_public_access_disabled
-- title: EC2 snapshot or AMI block public access turned off
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010, TA0005
-- techniques: T1537, T1562.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Block public access for EBS snapshots or AMIs was turned off in a region (or set to
--   unblocked): snapshots and images can be made public again, the step before ebs_snapshot_public
--   or ami_public. Only successful calls count. Dedup: one finding per account, resource, actor per
--   day. Benign look-alikes: enabling block-all-sharing or block-new-sharing is not reported.
-- remediation: Enable it again (ec2 enable-snapshot-block-public-access --state block-all-sharing;
--   enable-image-block-public-access) and check for public snapshots and AMIs.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(recipientaccountid, '/', awsregion) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND (eventname IN ('DisableSnapshotBlockPublicAccess', 'DisableImageBlockPublicAccess')
       OR (eventname = 'EnableSnapshotBlockPublicAccess' AND regexp_like(requestparameters, 'unblocked')))
  AND errorcode IS NULL
