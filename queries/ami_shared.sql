-- id: ami_shared
-- title: AMI shared with another account
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
-- description: An AMI's launch permission was given to another account (Stratus ec2-share-ami).
--   Only successful calls count; checks the first added permission. Benign look-alike: sharing
--   golden images with your own workload accounts is reported too, so keep a list of those
--   accounts; removing permissions is not reported.
--   Every item of the add list is read, not only the first; the remove list is ignored.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Check the account ID against your organisation; otherwise remove the permission and
--   treat the image's data as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.ec2-share-ami/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.imageId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifyImageAttribute'
  AND errorcode IS NULL
  AND array_join(array_distinct(regexp_extract_all(json_format(json_extract(requestparameters, '$.launchPermission.add')), '"userId"\s*:\s*"([^"]+)"', 1)), ',') NOT IN ('', recipientaccountid)
