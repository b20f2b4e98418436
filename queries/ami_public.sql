-- id: ami_public
-- title: AMI made public
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
-- description: An AMI's launch permission was given to the group "all": anyone can launch it and
--   read its disks. Only successful calls count; checks the first added permission. Benign
--   look-alike: removing permissions is not reported; vendors publishing AMIs on purpose should use
--   a dedicated account.
--   Every item of the add list is read, not only the first; the remove list is ignored.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Remove the public launch permission (modify-image-attribute --launch-permission
--   "Remove=[{Group=all}]") and treat the data as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.imageId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifyImageAttribute'
  AND errorcode IS NULL
  AND regexp_like(json_format(json_extract(requestparameters, '$.launchPermission.add')), '"group"\s*:\s*"all"')
