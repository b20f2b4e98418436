-- id: sts_federation_token
-- title: Federation token obtained by an IAM user
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003, TA0005
-- techniques: T1550.001
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An IAM user called GetFederationToken: the session it returns lasts up to 36 hours
--   and keeps working after the user's access key is deleted, a known persistence trick (Stratus
--   sts-federation-token). Only successful calls count. Benign look-alike: identity brokers that
--   mint federated sessions do this constantly from a fixed service user; add that user to the
--   WHERE clause of a copy of this hunt.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Confirm the user is an identity broker; otherwise deny sts:GetFederationToken to it
--   and revoke sessions by denying with an aws:TokenIssueTime condition.
-- references: https://attack.mitre.org/techniques/T1550/001/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.sts-federation-token/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       useridentity.arn AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'sts.amazonaws.com'
  AND eventname = 'GetFederationToken'
  AND errorcode IS NULL
  AND useridentity.type = 'IAMUser'
