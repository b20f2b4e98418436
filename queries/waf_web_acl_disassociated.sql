-- id: waf_web_acl_disassociated
-- title: WAF web ACL removed from a resource or deleted
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
-- description: A WAF web ACL was disassociated from a load balancer, API Gateway stage, AppSync API
--   or Cognito pool, or deleted: the application is exposed without its filtering rules. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: associating an ACL, updating its rules and reading it are not reported;
--   infrastructure teardown that disassociates before deleting a load balancer is, so check the
--   change records.
-- remediation: Associate the web ACL again (wafv2 associate-web-acl) and review requests that
--   reached the resource meanwhile.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/waf/latest/APIReference/API_DisassociateWebACL.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.resourceArn'), json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.webACLId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource IN ('wafv2.amazonaws.com', 'waf-regional.amazonaws.com', 'waf.amazonaws.com')
  AND eventname IN ('DisassociateWebACL', 'DeleteWebACL')
  AND errorcode IS NULL
