-- id: ebs_snapshot_shared
-- title: EBS snapshot shared with another account
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A snapshot's create-volume permission was given to another account: that account can
--   copy the disk (Stratus ec2-share-ebs-snapshot). Only successful calls count; checks the first
--   added permission. Benign look-alike: sharing with your backup or disaster-recovery account is
--   reported too, so keep a list of those accounts; removing permissions is not reported.
--   Every item of the add list is read, not only the first; the remove list is ignored.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Check the account ID in the evidence against your organisation; otherwise remove the
--   permission and treat the data as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.ec2-share-ebs-snapshot/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.snapshotId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifySnapshotAttribute'
  AND errorcode IS NULL
  AND array_join(array_distinct(regexp_extract_all(json_format(json_extract(requestparameters, '$.createVolumePermission.add')), '"userId"\s*:\s*"([^"]+)"', 1)), ',') NOT IN ('', recipientaccountid)
