-- id: console_signin_token_from_federation
-- title: Console sign-in token minted from API credentials
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0008, TA0001
-- techniques: T1550.001, T1078.004
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Temporary credentials (from GetFederationToken or AssumeRole) were exchanged at the
--   federation endpoint for a console sign-in token: a program turned API keys into a browser
--   session, the pivot tools such as aws_consoler make with stolen keys, which also leaves fewer
--   traces than API calls. Failed exchanges are not counted. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: IAM Identity Center portal sessions (AWSReservedSSO
--   roles) are not reported; in-house federation portals and SSO helpers are, so list their roles.
-- remediation: Find who holds the source credentials (the federated user's IAM user, or who assumed
--   the role); if not expected, revoke the sessions (revoke older sessions on the role, delete the
--   user's keys) and review console activity.
-- references: https://attack.mitre.org/techniques/T1550/001/
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
-- references: https://github.com/NetSPI/aws_consoler

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(useridentity.arn, useridentity.principalid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'signin.amazonaws.com'
  AND eventname = 'GetSigninToken'
  AND coalesce(json_extract_scalar(responseelements, '$.GetSigninToken'), 'Success') = 'Success'
  AND useridentity.type IN ('FederatedUser', 'AssumedRole')
  AND coalesce(useridentity.sessioncontext.sessionissuer.username, '') NOT LIKE 'AWSReservedSSO%'
