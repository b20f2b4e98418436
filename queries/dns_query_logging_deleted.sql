-- id: dns_query_logging_deleted
-- title: Route 53 Resolver query logging deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Route 53 Resolver query logging configuration was deleted or detached from a VPC
--   (Stratus dns-delete-logs): DNS queries, often the only trace of command and control, stop being
--   logged. Only successful calls count. Benign look-alike: Terraform or CloudFormation replacing
--   the configuration is skipped.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Recreate the query log configuration and associate it with the VPCs again; review
--   DNS activity through other means for the gap.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.dns-delete-logs/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.resolverQueryLogConfigId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'route53resolver.amazonaws.com'
  AND eventname IN ('DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
