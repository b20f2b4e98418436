-- id: detective_disabled
-- title: Amazon Detective behavior graph deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Detective behavior graph was deleted, or an account left it: the investigation
--   history of the account is gone. Only successful calls count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: creating a graph and inviting members are not
--   reported.
-- remediation: Recreate the graph and re-invite member accounts; note the gap in investigation data.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/detective/latest/adminguide/detective-disabling.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.GraphArn'), json_extract_scalar(requestparameters, '$.graphArn'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'detective.amazonaws.com'
  AND eventname IN ('DeleteGraph', 'DisassociateMembership', 'DeleteMembers')
  AND errorcode IS NULL
