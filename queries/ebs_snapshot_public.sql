-- id: ebs_snapshot_public
-- title: EBS snapshot made public
-- severity: HIGH
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
-- description: A snapshot's create-volume permission was given to the group "all": anyone can copy
--   the disk. Only successful calls count; checks the first added permission. Benign look-alike:
--   removing permissions (remove instead of add) is not reported.
--   Every item of the add list is read, not only the first; the remove list is ignored.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Remove the public permission (modify-snapshot-attribute --operation-type remove
--   --group-names all) and treat the data as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.snapshotId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifySnapshotAttribute'
  AND errorcode IS NULL
  AND regexp_like(json_format(json_extract(requestparameters, '$.createVolumePermission.add')), '"group"\s*:\s*"all"')
